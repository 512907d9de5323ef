;; Loops over float32 arrays in a WebAssembly memory that another module owns (tfjs-backend-wasm's heap), with
;; 128-bit SIMD. Pointers are byte offsets, n counts float32 values. Each function gives, bit for bit, what the
;; JavaScript loop beside its caller gives (simd.test.ts holds them to it): the sums keep the same four running
;; float64 sums in the same order, so moving a loop here changes no result.
;; Source of kernels.bytes.ts: `npm run build:wasm` (wabt) writes it; a unit test recompiles this file and compares.
(module
  (import "env" "memory" (memory 1))

  ;; Σ a·b in float64 as dotOf does: s_k sums the products at i ≡ k (mod 4), the tail goes to s0,
  ;; the result is ((s0 + s1) + s2) + s3.
  (func (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $i i32) (local $m i32) (local $lo v128) (local $hi v128) (local $va v128) (local $vb v128)
    (local $s0 f64)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (local.set $lo (f64x2.splat (f64.const 0)))
    (local.set $hi (f64x2.splat (f64.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $va (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $vb (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $lo (f64x2.add (local.get $lo)
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $va)) (f64x2.promote_low_f32x4 (local.get $vb)))))
        (local.set $hi (f64x2.add (local.get $hi)
          (f64x2.mul
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $lo)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul
            (f64.promote_f32 (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
            (f64.promote_f32 (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f64.add
      (f64.add (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $lo))) (f64x2.extract_lane 0 (local.get $hi)))
      (f64x2.extract_lane 1 (local.get $hi))))

  ;; Σ |a| as absSumOf does: the same four running sums as dot, the tail in s0.
  (func (export "absSum") (param $a i32) (param $n i32) (result f64)
    (local $i i32) (local $m i32) (local $lo v128) (local $hi v128) (local $va v128) (local $s0 f64)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (local.set $lo (f64x2.splat (f64.const 0)))
    (local.set $hi (f64x2.splat (f64.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $va (f32x4.abs (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $va))))
        (local.set $hi (f64x2.add (local.get $hi)
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $lo)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s0 (f64.add (local.get $s0)
          (f64.promote_f32 (f32.abs (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f64.add
      (f64.add (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $lo))) (f64x2.extract_lane 0 (local.get $hi)))
      (f64x2.extract_lane 1 (local.get $hi))))

  ;; Σ a·v and Σ v·v with v read once, as dotAndSquareOf does (the same four running sums for each).
  (func (export "dotAndSquare") (param $a i32) (param $v i32) (param $n i32) (result f64 f64)
    (local $i i32) (local $m i32) (local $va v128) (local $vv v128) (local $v0 v128) (local $v1 v128)
    (local $plo v128) (local $phi v128) (local $qlo v128) (local $qhi v128) (local $p0 f64) (local $q0 f64) (local $x f64)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (local.set $plo (f64x2.splat (f64.const 0)))
    (local.set $phi (f64x2.splat (f64.const 0)))
    (local.set $qlo (f64x2.splat (f64.const 0)))
    (local.set $qhi (f64x2.splat (f64.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $va (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $vv (v128.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $v0 (f64x2.promote_low_f32x4 (local.get $vv)))
        (local.set $v1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vv) (local.get $vv))))
        (local.set $plo (f64x2.add (local.get $plo) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $va)) (local.get $v0))))
        (local.set $phi (f64x2.add (local.get $phi)
          (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
                     (local.get $v1))))
        (local.set $qlo (f64x2.add (local.get $qlo) (f64x2.mul (local.get $v0) (local.get $v0))))
        (local.set $qhi (f64x2.add (local.get $qhi) (f64x2.mul (local.get $v1) (local.get $v1))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (local.set $p0 (f64x2.extract_lane 0 (local.get $plo)))
    (local.set $q0 (f64x2.extract_lane 0 (local.get $qlo)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64.promote_f32 (f32.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $p0 (f64.add (local.get $p0)
          (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))) (local.get $x))))
        (local.set $q0 (f64.add (local.get $q0) (f64.mul (local.get $x) (local.get $x))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f64.add
      (f64.add (f64.add (local.get $p0) (f64x2.extract_lane 1 (local.get $plo))) (f64x2.extract_lane 0 (local.get $phi)))
      (f64x2.extract_lane 1 (local.get $phi)))
    (f64.add
      (f64.add (f64.add (local.get $q0) (f64x2.extract_lane 1 (local.get $qlo))) (f64x2.extract_lane 0 (local.get $qhi)))
      (f64x2.extract_lane 1 (local.get $qhi))))

  ;; The cautious mask: out = v·k with k = 1 where v·g > 0 (float32 product) and 0 elsewhere (so a dropped value
  ;; is v·0 = ±0, NaN where v is), returning how many were kept.
  (func (export "cautiousMask") (param $v i32) (param $g i32) (param $out i32) (param $n i32) (result i32)
    (local $i i32) (local $m i32) (local $x v128) (local $keep v128) (local $count v128) (local $f f32) (local $kept i32)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $x (v128.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $keep (f32x4.gt
          (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2)))))
          (f32x4.splat (f32.const 0))))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.mul (local.get $x) (v128.and (local.get $keep) (f32x4.splat (f32.const 1)))))
        (local.set $count (i32x4.sub (local.get $count) (local.get $keep)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (local.set $kept (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
      (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count)))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $f (f32.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2)))))
        (if (f32.gt (f32.mul (local.get $f) (f32.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2))))) (f32.const 0))
          (then
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (f32.mul (local.get $f) (f32.const 1)))
            (local.set $kept (i32.add (local.get $kept) (i32.const 1))))
          (else
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (f32.mul (local.get $f) (f32.const 0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $kept))

  ;; out = x·a + y·b, or x·a + (y·y)·b with $square: float32 products, then the sum, as tfjs's multiply and add
  ;; compute them one op at a time (b = 1 leaves y as it is, as no multiply would).
  (func (export "axpby") (param $x i32) (param $a f32) (param $y i32) (param $b f32) (param $square i32) (param $out i32) (param $n i32)
    (local $i i32) (local $m i32) (local $va v128) (local $vb v128) (local $yv v128) (local $f f32) (local $p i32)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $vb (f32x4.splat (local.get $b)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (local.set $yv (v128.load (i32.add (local.get $y) (local.get $p))))
        (if (local.get $square) (then (local.set $yv (f32x4.mul (local.get $yv) (local.get $yv)))))
        (v128.store (i32.add (local.get $out) (local.get $p))
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $p))) (local.get $va))
            (f32x4.mul (local.get $yv) (local.get $vb))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (local.set $f (f32.load (i32.add (local.get $y) (local.get $p))))
        (if (local.get $square) (then (local.set $f (f32.mul (local.get $f) (local.get $f)))))
        (f32.store (i32.add (local.get $out) (local.get $p))
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $x) (local.get $p))) (local.get $a))
            (f32.mul (local.get $f) (local.get $b))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; out = a / (√d + e): Adam's direction and its kin, as tfjs's sqrt, add and divide round it.
  (func (export "ratio") (param $a i32) (param $d i32) (param $e f32) (param $out i32) (param $n i32)
    (local $i i32) (local $m i32) (local $p i32) (local $ve v128)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (local.set $ve (f32x4.splat (local.get $e)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $out) (local.get $p))
          (f32x4.div (v128.load (i32.add (local.get $a) (local.get $p)))
            (f32x4.add (f32x4.sqrt (v128.load (i32.add (local.get $d) (local.get $p)))) (local.get $ve))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (local.get $p))
          (f32.div (f32.load (i32.add (local.get $a) (local.get $p)))
            (f32.add (f32.sqrt (f32.load (i32.add (local.get $d) (local.get $p)))) (local.get $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; out = √x (IEEE, as sqrtf: NaN below 0), four values at a time.
  (func (export "sqrt") (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $m i32) (local $p i32)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $out) (local.get $p)) (f32x4.sqrt (v128.load (i32.add (local.get $x) (local.get $p)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (local.get $p)) (f32.sqrt (f32.load (i32.add (local.get $x) (local.get $p)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; out = sign(x): 1 above 0, −1 below, +0 for ±0 and NaN (both comparisons false), as the stock kernel.
  (func (export "sign") (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $m i32) (local $v v128) (local $f f32)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (v128.or
            (v128.and (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0))) (f32x4.splat (f32.const 1)))
            (v128.and (f32x4.lt (local.get $v) (f32x4.splat (f32.const 0))) (f32x4.splat (f32.const -1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $f (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.convert_i32_s (i32.sub (f32.gt (local.get $f) (f32.const 0)) (f32.lt (local.get $f) (f32.const 0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; out[i] = x[i] > s as one byte (tfjs's bool), sixteen values at a time.
  (func (export "greaterScalar") (param $x i32) (param $s f32) (param $out i32) (param $n i32)
    (local $i i32) (local $m i32) (local $vs v128) (local $p i32)
    (local.set $m (i32.and (local.get $n) (i32.const -16)))
    (local.set $vs (f32x4.splat (local.get $s)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.and
            (i8x16.narrow_i16x8_s
              (i16x8.narrow_i32x4_s
                (f32x4.gt (v128.load offset=0 (local.get $p)) (local.get $vs))
                (f32x4.gt (v128.load offset=16 (local.get $p)) (local.get $vs)))
              (i16x8.narrow_i32x4_s
                (f32x4.gt (v128.load offset=32 (local.get $p)) (local.get $vs))
                (f32x4.gt (v128.load offset=48 (local.get $p)) (local.get $vs))))
            (i8x16.splat (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (local.get $out) (local.get $i))
          (f32.gt (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

;; 1 when every value is finite, else 0: x − x is +0 for a finite x and NaN for ±∞ and NaN, and a sum of those
  ;; stays 0 or becomes NaN (the skip guard's check of the gradients, in place of a float64 sum).
  (func (export "allFinite") (param $a i32) (param $n i32) (result i32)
    (local $i i32) (local $m i32) (local $v v128) (local $acc v128) (local $f f32) (local $s f32)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (local.set $acc (f32x4.splat (f32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $v (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $f (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $s (f32.add (local.get $s) (f32.sub (local.get $f) (local.get $f))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (i32.and
      (i32x4.all_true (f32x4.eq (local.get $acc) (f32x4.splat (f32.const 0))))
      (f32.eq (local.get $s) (f32.const 0))))

  ;; ScheduleFree+'s step over n values, each op rounded as the op path's kernels round it:
  ;;   m' = m·b1 + g·c1,  v' = v·b2 + (g·g)·c2,  r = m' / (√v' + e),
  ;;   w' = r·wr + (y·wd + w·wk),  u = r·sr + (y·sd + w·sk)  (with $hasDec 0: w' = r·wr + w·wk, u = r·sr + w·sk),
  ;; w = z − y ScheduleFree+'s state and u the step from y to the new parameters. Pointers to y, w, m, v, g, then to
  ;; the outputs w', m', v', u; the float32 scalars b1, c1, b2, c2, e, wr, wd, wk, sr, sd, sk. Four values at a time
  ;; without a branch on the tail (a branch per load and store cost a quarter of the loop), then the last n mod 4 one
  ;; at a time by the same IEEE operations on f32 values. Returns Σ u² in float64, summed as dot sums u·u (the
  ;; update's norm).
  (func (export "sfPlusStep")
    (param $py i32) (param $pw i32) (param $pm i32) (param $pv i32) (param $pg i32) (param $pwo i32) (param $pmo i32) (param $pvo i32) (param $puo i32)
    (param $sb1 f32) (param $sc1 f32) (param $sb2 f32) (param $sc2 f32) (param $se f32) (param $swk f32) (param $sws f32) (param $ssr f32) (param $ssd f32) (param $ssk f32)
    (param $hasDec i32) (param $n i32) (result f64)
    (local $i i32) (local $m4 i32) (local $p i32) (local $lo v128) (local $hi v128) (local $uu f64) (local $s0 f64)
    (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128) (local $e v128) (local $wk v128) (local $ws v128) (local $sr v128) (local $sd v128) (local $sk v128)
    (local $y v128) (local $g v128) (local $w v128) (local $m1 v128) (local $v1 v128) (local $r v128) (local $bu v128) (local $w1 v128) (local $u v128)
    (local $fy f32) (local $fg f32) (local $fw f32) (local $fm f32) (local $fv f32) (local $fr f32) (local $fbu f32) (local $fw1 f32) (local $fu f32)
    (local.set $b1 (f32x4.splat (local.get $sb1)))
    (local.set $c1 (f32x4.splat (local.get $sc1)))
    (local.set $b2 (f32x4.splat (local.get $sb2)))
    (local.set $c2 (f32x4.splat (local.get $sc2)))
    (local.set $e (f32x4.splat (local.get $se)))
    (local.set $wk (f32x4.splat (local.get $swk)))
    (local.set $ws (f32x4.splat (local.get $sws)))
    (local.set $sr (f32x4.splat (local.get $ssr)))
    (local.set $sd (f32x4.splat (local.get $ssd)))
    (local.set $sk (f32x4.splat (local.get $ssk)))
    (local.set $m4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $lo (f64x2.splat (f64.const 0)))
    (local.set $hi (f64x2.splat (f64.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $m4)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (local.set $y (v128.load (i32.add (local.get $py) (local.get $p))))
        (local.set $g (v128.load (i32.add (local.get $pg) (local.get $p))))
        (local.set $w (v128.load (i32.add (local.get $pw) (local.get $p))))
        (local.set $m1 (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $pm) (local.get $p))) (local.get $b1)) (f32x4.mul (local.get $g) (local.get $c1))))
        (local.set $v1 (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $pv) (local.get $p))) (local.get $b2))
          (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $c2))))
        (local.set $r (f32x4.div (local.get $m1) (f32x4.add (f32x4.sqrt (local.get $v1)) (local.get $e))))
        (local.set $bu (f32x4.mul (local.get $w) (local.get $sk)))
        (if (local.get $hasDec) (then
          (local.set $bu (f32x4.add (f32x4.mul (local.get $y) (local.get $sd)) (local.get $bu)))))
        (local.set $u (f32x4.add (f32x4.mul (local.get $r) (local.get $sr)) (local.get $bu)))
        ;; w' = w·wk + u·ws, as axpby(w, wk, u, ws).
        (local.set $w1 (f32x4.add (f32x4.mul (local.get $w) (local.get $wk)) (f32x4.mul (local.get $u) (local.get $ws))))
        (v128.store (i32.add (local.get $pwo) (local.get $p)) (local.get $w1))
        (v128.store (i32.add (local.get $pmo) (local.get $p)) (local.get $m1))
        (v128.store (i32.add (local.get $pvo) (local.get $p)) (local.get $v1))
        (v128.store (i32.add (local.get $puo) (local.get $p)) (local.get $u))
        ;; Σ u²: lanes 0 and 1 in lo, 2 and 3 in hi.
        (local.set $lo (f64x2.add (local.get $lo)
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $u)) (f64x2.promote_low_f32x4 (local.get $u)))))
        (local.set $u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $u) (local.get $u)))
        (local.set $hi (f64x2.add (local.get $hi)
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $u)) (f64x2.promote_low_f32x4 (local.get $u)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    ;; The tail: its u² are added to lo's lane 0, after the SIMD part's.
    (local.set $s0 (f64x2.extract_lane 0 (local.get $lo)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (local.set $fy (f32.load (i32.add (local.get $py) (local.get $p))))
        (local.set $fg (f32.load (i32.add (local.get $pg) (local.get $p))))
        (local.set $fw (f32.load (i32.add (local.get $pw) (local.get $p))))
        (local.set $fm (f32.add (f32.mul (f32.load (i32.add (local.get $pm) (local.get $p))) (local.get $sb1)) (f32.mul (local.get $fg) (local.get $sc1))))
        (local.set $fv (f32.add (f32.mul (f32.load (i32.add (local.get $pv) (local.get $p))) (local.get $sb2))
          (f32.mul (f32.mul (local.get $fg) (local.get $fg)) (local.get $sc2))))
        (local.set $fr (f32.div (local.get $fm) (f32.add (f32.sqrt (local.get $fv)) (local.get $se))))
        (local.set $fbu (f32.mul (local.get $fw) (local.get $ssk)))
        (if (local.get $hasDec) (then
          (local.set $fbu (f32.add (f32.mul (local.get $fy) (local.get $ssd)) (local.get $fbu)))))
        (local.set $fu (f32.add (f32.mul (local.get $fr) (local.get $ssr)) (local.get $fbu)))
        (local.set $fw1 (f32.add (f32.mul (local.get $fw) (local.get $swk)) (f32.mul (local.get $fu) (local.get $sws))))
        (f32.store (i32.add (local.get $pwo) (local.get $p)) (local.get $fw1))
        (f32.store (i32.add (local.get $pmo) (local.get $p)) (local.get $fm))
        (f32.store (i32.add (local.get $pvo) (local.get $p)) (local.get $fv))
        (f32.store (i32.add (local.get $puo) (local.get $p)) (local.get $fu))
        (local.set $uu (f64.promote_f32 (local.get $fu)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $uu) (local.get $uu))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f64.add
      (f64.add (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $lo))) (f64x2.extract_lane 0 (local.get $hi)))
      (f64x2.extract_lane 1 (local.get $hi))))
)
