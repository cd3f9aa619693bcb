;; The project's wasm SIMD kernels, run on the tfjs wasm backend's own heap (the memory is imported from the
;; backend's module, pointers are byte offsets of tensors there). Assembled by build.ts into module-bytes.ts.
;;
;; Channels-last data viewed as [M, C] is walked in "periods" of P = lcm(C, 4) floats: `vecs` = P / 4 vectors
;; per period, `periods` periods in all (the caller does the remainder, fewer than P floats, itself). Per-channel
;; tables are laid out per period position: table[k] belongs to channel k mod C, so lane l of vector j of every
;; period uses table[4j + l]. Arithmetic is float32 in the order the tfjs ops use (sub, mul, add: no fused
;; multiply-add), so a ReLU mask recomputed here equals the forward's.
(module
  (import "env" "memory" (memory 1))

  ;; Batch-norm gradient, first pass: per period position k, in float64,
  ;;   sumG[k] += g,  sumGd[k] += g·d   with d = x - mean, y = d·scale + bias, g = dy where y > 0 (or `relu` is 0)
  ;; tables (float32, P each): mean, scale, bias.  acc (float64, P each): sumG, sumGd (added to, not cleared).
  (func (export "bn_grad_sums")
    (param $x i32) (param $dy i32) (param $tables i32) (param $acc i32)
    (param $periods i32) (param $vecs i32) (param $relu i32)
    (local $j i32) (local $t i32) (local $a i32) (local $tableBytes i32) (local $accBytes i32)
    (local $keep v128) (local $d v128) (local $g v128) (local $gd v128)
    (local.set $tableBytes (i32.shl (local.get $vecs) (i32.const 4)))
    (local.set $accBytes (i32.shl (local.get $vecs) (i32.const 5)))
    ;; all lanes kept when there is no ReLU
    (local.set $keep (i32x4.splat (i32.sub (i32.const 0) (i32.eqz (local.get $relu)))))
    (block $done
      (loop $period
        (br_if $done (i32.eqz (local.get $periods)))
        (local.set $j (i32.const 0))
        (local.set $t (local.get $tables))
        (local.set $a (local.get $acc))
        (loop $vector
          (local.set $d (f32x4.sub (v128.load (local.get $x)) (v128.load (local.get $t))))
          (local.set $g
            (v128.and
              (v128.load (local.get $dy))
              (v128.or
                (local.get $keep)
                (f32x4.gt
                  (f32x4.add
                    (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $t) (local.get $tableBytes))))
                    (v128.load (i32.add (local.get $t) (i32.shl (local.get $tableBytes) (i32.const 1)))))
                  (v128.const f32x4 0 0 0 0)))))
          (local.set $gd (f32x4.mul (local.get $g) (local.get $d)))
          (v128.store (local.get $a)
            (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $g))))
          (v128.store offset=16 (local.get $a)
            (f64x2.add (v128.load offset=16 (local.get $a))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g)))))
          (v128.store (i32.add (local.get $a) (local.get $accBytes))
            (f64x2.add (v128.load (i32.add (local.get $a) (local.get $accBytes))) (f64x2.promote_low_f32x4 (local.get $gd))))
          (v128.store offset=16 (i32.add (local.get $a) (local.get $accBytes))
            (f64x2.add (v128.load offset=16 (i32.add (local.get $a) (local.get $accBytes)))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $gd) (local.get $gd)))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $vector (i32.lt_u (local.get $j) (local.get $vecs))))
        (local.set $periods (i32.sub (local.get $periods) (i32.const 1)))
        (br $period))))

  ;; Batch-norm gradient, second pass: dx = scale·g + a·d + b (g, d as above).
  ;; tables (float32, P each): mean, scale, bias, a, b.
  (func (export "bn_grad_dx")
    (param $x i32) (param $dy i32) (param $dx i32) (param $tables i32)
    (param $periods i32) (param $vecs i32) (param $relu i32)
    (local $j i32) (local $t i32) (local $tableBytes i32)
    (local $keep v128) (local $d v128) (local $g v128) (local $scale v128)
    (local.set $tableBytes (i32.shl (local.get $vecs) (i32.const 4)))
    (local.set $keep (i32x4.splat (i32.sub (i32.const 0) (i32.eqz (local.get $relu)))))
    (block $done
      (loop $period
        (br_if $done (i32.eqz (local.get $periods)))
        (local.set $j (i32.const 0))
        (local.set $t (local.get $tables))
        (loop $vector
          (local.set $d (f32x4.sub (v128.load (local.get $x)) (v128.load (local.get $t))))
          (local.set $scale (v128.load (i32.add (local.get $t) (local.get $tableBytes))))
          (local.set $g
            (v128.and
              (v128.load (local.get $dy))
              (v128.or
                (local.get $keep)
                (f32x4.gt
                  (f32x4.add
                    (f32x4.mul (local.get $d) (local.get $scale))
                    (v128.load (i32.add (local.get $t) (i32.shl (local.get $tableBytes) (i32.const 1)))))
                  (v128.const f32x4 0 0 0 0)))))
          (v128.store (local.get $dx)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (local.get $scale) (local.get $g))
                (f32x4.mul (v128.load (i32.add (local.get $t) (i32.mul (local.get $tableBytes) (i32.const 3)))) (local.get $d)))
              (v128.load (i32.add (local.get $t) (i32.shl (local.get $tableBytes) (i32.const 2))))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
          (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $vector (i32.lt_u (local.get $j) (local.get $vecs))))
        (local.set $periods (i32.sub (local.get $periods) (i32.const 1)))
        (br $period))))
  ;; Batch-norm statistics: per period position k, in float64, with d = x - shift (float32):
  ;;   sums[k] += d,  squares[k] += d·d
  ;; tables (float32, P): shift.  acc (float64, P each): sums, squares (added to, not cleared).
  (func (export "bn_stats")
    (param $x i32) (param $tables i32) (param $acc i32) (param $periods i32) (param $vecs i32)
    (local $j i32) (local $t i32) (local $a i32) (local $accBytes i32)
    (local $d v128) (local $lo v128) (local $hi v128)
    (local.set $accBytes (i32.shl (local.get $vecs) (i32.const 5)))
    (block $done
      (loop $period
        (br_if $done (i32.eqz (local.get $periods)))
        (local.set $j (i32.const 0))
        (local.set $t (local.get $tables))
        (local.set $a (local.get $acc))
        (loop $vector
          (local.set $d (f32x4.sub (v128.load (local.get $x)) (v128.load (local.get $t))))
          (local.set $lo (f64x2.promote_low_f32x4 (local.get $d)))
          (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d))))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $lo)))
          (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a)) (local.get $hi)))
          (v128.store (i32.add (local.get $a) (local.get $accBytes))
            (f64x2.add (v128.load (i32.add (local.get $a) (local.get $accBytes))) (f64x2.mul (local.get $lo) (local.get $lo))))
          (v128.store offset=16 (i32.add (local.get $a) (local.get $accBytes))
            (f64x2.add (v128.load offset=16 (i32.add (local.get $a) (local.get $accBytes))) (f64x2.mul (local.get $hi) (local.get $hi))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $vector (i32.lt_u (local.get $j) (local.get $vecs))))
        (local.set $periods (i32.sub (local.get $periods) (i32.const 1)))
        (br $period))))

  ;; Batch norm with given statistics: y = (x - mean)·scale + bias, zero where not y > 0 when `relu`.
  ;; tables (float32, P each): mean, scale, bias.
  (func (export "bn_apply")
    (param $x i32) (param $y i32) (param $tables i32) (param $periods i32) (param $vecs i32) (param $relu i32)
    (local $j i32) (local $t i32) (local $tableBytes i32) (local $keep v128) (local $v v128)
    (local.set $tableBytes (i32.shl (local.get $vecs) (i32.const 4)))
    (local.set $keep (i32x4.splat (i32.sub (i32.const 0) (i32.eqz (local.get $relu)))))
    (block $done
      (loop $period
        (br_if $done (i32.eqz (local.get $periods)))
        (local.set $j (i32.const 0))
        (local.set $t (local.get $tables))
        (loop $vector
          (local.set $v
            (f32x4.add
              (f32x4.mul
                (f32x4.sub (v128.load (local.get $x)) (v128.load (local.get $t)))
                (v128.load (i32.add (local.get $t) (local.get $tableBytes))))
              (v128.load (i32.add (local.get $t) (i32.shl (local.get $tableBytes) (i32.const 1))))))
          (v128.store (local.get $y)
            (v128.and (local.get $v) (v128.or (local.get $keep) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $vector (i32.lt_u (local.get $j) (local.get $vecs))))
        (local.set $periods (i32.sub (local.get $periods) (i32.const 1)))
        (br $period))))

  ;; im2col block of a filter gradient (conv2d-backprop-filter.ts fillIm2col): from xT [B, C, H, W] (channels
  ;; first), rows (tap·C + c) of `pixels` = rows·OW floats, holding for output rows r0 .. r0+rows-1 (r = b·OH + oy)
  ;; and every ox the value x[b, oy·sh + kh - padTop, ox·sw + kw - padLeft, c], zero in the padding.
  (func (export "im2col")
    (param $xT i32) (param $dst i32) (param $C i32) (param $H i32) (param $W i32) (param $OH i32) (param $OW i32)
    (param $KH i32) (param $KW i32) (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (param $r0 i32) (param $rows i32)
    (local $kh i32) (local $kw i32) (local $c i32) (local $r i32) (local $b i32) (local $iy i32)
    (local $shift i32) (local $oxLo i32) (local $oxHi i32) (local $src i32) (local $ox i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $OW) (i32.const 2)))
    (local.set $kh (i32.const 0))
    (loop $tapRow
      (local.set $kw (i32.const 0))
      (loop $tapColumn
        (local.set $shift (i32.sub (local.get $kw) (local.get $padLeft)))
        ;; the ox whose ix = ox·sw + shift lies in [0, W)
        (local.set $oxLo (i32.trunc_f64_s (f64.ceil (f64.div (f64.convert_i32_s (i32.sub (i32.const 0) (local.get $shift))) (f64.convert_i32_s (local.get $sw))))))
        (if (i32.lt_s (local.get $oxLo) (i32.const 0)) (then (local.set $oxLo (i32.const 0))))
        (if (i32.gt_s (local.get $oxLo) (local.get $OW)) (then (local.set $oxLo (local.get $OW))))
        (local.set $oxHi (i32.add (i32.trunc_f64_s (f64.floor (f64.div (f64.convert_i32_s (i32.sub (i32.sub (local.get $W) (i32.const 1)) (local.get $shift))) (f64.convert_i32_s (local.get $sw))))) (i32.const 1)))
        (if (i32.gt_s (local.get $oxHi) (local.get $OW)) (then (local.set $oxHi (local.get $OW))))
        (if (i32.lt_s (local.get $oxHi) (local.get $oxLo)) (then (local.set $oxHi (local.get $oxLo))))
        (local.set $c (i32.const 0))
        (loop $channel
          (local.set $r (local.get $r0))
          (loop $row
            (local.set $b (i32.div_u (local.get $r) (local.get $OH)))
            (local.set $iy (i32.sub (i32.add (i32.mul (i32.rem_u (local.get $r) (local.get $OH)) (local.get $sh)) (local.get $kh)) (local.get $padTop)))
            (if (i32.or (i32.lt_s (local.get $iy) (i32.const 0)) (i32.ge_s (local.get $iy) (local.get $H)))
              (then (memory.fill (local.get $dst) (i32.const 0) (local.get $rowBytes)))
              (else
                ;; byte address of x[b, iy, shift, c] in xT (only read from ox >= oxLo, where ix >= 0)
                (local.set $src (i32.add (local.get $xT) (i32.shl (i32.add
                  (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $C)) (local.get $c)) (local.get $H)) (local.get $iy)) (local.get $W))
                  (local.get $shift)) (i32.const 2))))
                (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $oxLo) (i32.const 2)))
                (memory.fill (i32.add (local.get $dst) (i32.shl (local.get $oxHi) (i32.const 2))) (i32.const 0)
                  (i32.shl (i32.sub (local.get $OW) (local.get $oxHi)) (i32.const 2)))
                (if (i32.eq (local.get $sw) (i32.const 1))
                  (then
                    (memory.copy
                      (i32.add (local.get $dst) (i32.shl (local.get $oxLo) (i32.const 2)))
                      (i32.add (local.get $src) (i32.shl (local.get $oxLo) (i32.const 2)))
                      (i32.shl (i32.sub (local.get $oxHi) (local.get $oxLo)) (i32.const 2))))
                  (else
                    (local.set $ox (local.get $oxLo))
                    ;; stride 2 (the stem): four outputs from two vectors' even lanes at a time, while the odd
                    ;; lane read past the fourth stays inside the row (one output short of oxHi)
                    (if (i32.eq (local.get $sw) (i32.const 2))
                      (then
                        (block $pairsDone
                          (loop $pairs
                            (br_if $pairsDone (i32.gt_s (i32.add (local.get $ox) (i32.const 5)) (local.get $oxHi)))
                            (v128.store
                              (i32.add (local.get $dst) (i32.shl (local.get $ox) (i32.const 2)))
                              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                                (v128.load (i32.add (local.get $src) (i32.shl (local.get $ox) (i32.const 3))))
                                (v128.load offset=16 (i32.add (local.get $src) (i32.shl (local.get $ox) (i32.const 3))))))
                            (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                            (br $pairs)))))
                    (block $copied
                      (loop $strided
                        (br_if $copied (i32.ge_s (local.get $ox) (local.get $oxHi)))
                        (f32.store
                          (i32.add (local.get $dst) (i32.shl (local.get $ox) (i32.const 2)))
                          (f32.load (i32.add (local.get $src) (i32.shl (i32.mul (local.get $ox) (local.get $sw)) (i32.const 2)))))
                        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                        (br $strided)))))))
            (local.set $dst (i32.add (local.get $dst) (local.get $rowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br_if $row (i32.lt_u (local.get $r) (i32.add (local.get $r0) (local.get $rows)))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $channel (i32.lt_u (local.get $c) (local.get $C))))
        (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
        (br_if $tapColumn (i32.lt_u (local.get $kw) (local.get $KW))))
      (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
      (br_if $tapRow (i32.lt_u (local.get $kh) (local.get $KH)))))

  ;; dst[i] += src[i] for n floats (n a multiple of 4; the caller adds any remainder).
  (func (export "add_into") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $vector))))

  ;; Column sums of a channels-last [M, C] matrix, per period position k in float64: acc[k] += x (acc not cleared).
  (func (export "column_sums") (param $x i32) (param $acc i32) (param $periods i32) (param $vecs i32)
    (local $j i32) (local $a i32) (local $v v128)
    (block $done
      (loop $period
        (br_if $done (i32.eqz (local.get $periods)))
        (local.set $j (i32.const 0))
        (local.set $a (local.get $acc))
        (loop $vector
          (local.set $v (v128.load (local.get $x)))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
          (v128.store offset=16 (local.get $a)
            (f64x2.add (v128.load offset=16 (local.get $a))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $vector (i32.lt_u (local.get $j) (local.get $vecs))))
        (local.set $periods (i32.sub (local.get $periods) (i32.const 1)))
        (br $period))))

  ;; RMSprop in place over n floats (n a multiple of 4), float32 in RMSPROP_UPDATE's order:
  ;;   g' = g + p·decay;  v = v·alpha + (g'·g')·rest;  p = p - (g' / (sqrt(v) + eps))·lr
  (func (export "rmsprop") (param $p i32) (param $v i32) (param $g i32) (param $n i32)
    (param $lr f32) (param $alpha f32) (param $rest f32) (param $eps f32) (param $decay f32)
    (local $end i32) (local $grad v128) (local $avg v128) (local $param v128)
    (local $lrs v128) (local $alphas v128) (local $rests v128) (local $epss v128) (local $decays v128)
    (local.set $lrs (f32x4.splat (local.get $lr)))
    (local.set $alphas (f32x4.splat (local.get $alpha)))
    (local.set $rests (f32x4.splat (local.get $rest)))
    (local.set $epss (f32x4.splat (local.get $eps)))
    (local.set $decays (f32x4.splat (local.get $decay)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $param (v128.load (local.get $p)))
        (local.set $grad (f32x4.add (v128.load (local.get $g)) (f32x4.mul (local.get $param) (local.get $decays))))
        (local.set $avg
          (f32x4.add
            (f32x4.mul (v128.load (local.get $v)) (local.get $alphas))
            (f32x4.mul (f32x4.mul (local.get $grad) (local.get $grad)) (local.get $rests))))
        (v128.store (local.get $v) (local.get $avg))
        (v128.store (local.get $p)
          (f32x4.sub (local.get $param)
            (f32x4.mul (f32x4.div (local.get $grad) (f32x4.add (f32x4.sqrt (local.get $avg)) (local.get $epss))) (local.get $lrs))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $vector))))

  ;; MaxPoolGrad of a 2x2, stride 2, unpadded max-pool over NHWC x [B, H, W, C] (C a multiple of 4): each window's
  ;; dy goes to its first maximum in row-major order (strictly greater replaces), the other three get 0. Pixels of
  ;; an odd last row or column belong to no window and are left to the caller.
  (func (export "max_pool_grad_2x2")
    (param $x i32) (param $dy i32) (param $dx i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $c i32) (local $OH i32) (local $OW i32)
    (local $p00 i32) (local $right i32) (local $down i32) (local $g v128)
    (local $x00 v128) (local $x01 v128) (local $x10 v128) (local $x11 v128) (local $best v128)
    (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $OH (i32.shr_u (local.get $H) (i32.const 1)))
    (local.set $OW (i32.shr_u (local.get $W) (i32.const 1)))
    (local.set $right (i32.shl (local.get $C) (i32.const 2)))
    (local.set $down (i32.shl (i32.mul (local.get $W) (local.get $C)) (i32.const 2)))
    (block $done
      (local.set $b (i32.const 0))
      (loop $image
        (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $oy (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $OH)))
            (local.set $ox (i32.const 0))
            (block $columnsDone
              (loop $column
                (br_if $columnsDone (i32.ge_u (local.get $ox) (local.get $OW)))
                ;; byte offset of x[b, 2oy, 2ox, 0]
                (local.set $p00 (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $W))
                  (i32.shl (local.get $ox) (i32.const 1))) (local.get $C)) (i32.const 2)))
                (local.set $c (i32.const 0))
                (loop $channels
                  (local.set $x00 (v128.load (i32.add (local.get $x) (local.get $p00))))
                  (local.set $x01 (v128.load (i32.add (i32.add (local.get $x) (local.get $p00)) (local.get $right))))
                  (local.set $x10 (v128.load (i32.add (i32.add (local.get $x) (local.get $p00)) (local.get $down))))
                  (local.set $x11 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $p00)) (local.get $down)) (local.get $right))))
                  (local.set $c1 (f32x4.gt (local.get $x01) (local.get $x00)))
                  (local.set $best (v128.bitselect (local.get $x01) (local.get $x00) (local.get $c1)))
                  (local.set $c2 (f32x4.gt (local.get $x10) (local.get $best)))
                  (local.set $best (v128.bitselect (local.get $x10) (local.get $best) (local.get $c2)))
                  (local.set $c3 (f32x4.gt (local.get $x11) (local.get $best)))
                  (local.set $g (v128.load (local.get $dy)))
                  ;; winners: 3 where c3; 2 where c2 and not c3; 1 where c1 and neither; 0 where none
                  (v128.store (i32.add (i32.add (i32.add (local.get $dx) (local.get $p00)) (local.get $down)) (local.get $right))
                    (v128.and (local.get $g) (local.get $c3)))
                  (local.set $g (v128.andnot (local.get $g) (local.get $c3)))
                  (v128.store (i32.add (i32.add (local.get $dx) (local.get $p00)) (local.get $down))
                    (v128.and (local.get $g) (local.get $c2)))
                  (local.set $g (v128.andnot (local.get $g) (local.get $c2)))
                  (v128.store (i32.add (i32.add (local.get $dx) (local.get $p00)) (local.get $right))
                    (v128.and (local.get $g) (local.get $c1)))
                  (v128.store (i32.add (local.get $dx) (local.get $p00))
                    (v128.andnot (local.get $g) (local.get $c1)))
                  (local.set $p00 (i32.add (local.get $p00) (i32.const 16)))
                  (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
                  (local.set $c (i32.add (local.get $c) (i32.const 4)))
                  (br_if $channels (i32.lt_u (local.get $c) (local.get $C))))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $column)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $row)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $image))))

  ;; Fractional max-pooling with 2x2 windows (custom-kernels.ts fractionalPoolInto), NHWC, scalar: window starts
  ;; rows[p·rowStride + i], cols[p·colStride + j] (int32) for plane p = b·C + c (strides 0: one table for all).
  ;; `grad` 0: out = the window maxima. `grad` 1: out (zeroed here) gets each window's dy added at the window's first
  ;; maximum in row-major order (dy read from $dy, laid out as the pooled output). Planes outermost, so each
  ;; window row start is looked up once per output row.
  (func (export "fractional_pool")
    (param $x i32) (param $dy i32) (param $out i32) (param $rows i32) (param $cols i32)
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $rowStride i32) (param $colStride i32) (param $grad i32)
    (local $b i32) (local $i i32) (local $j i32) (local $c i32) (local $p i32) (local $rowTable i32) (local $colTable i32)
    (local $rowBase i32) (local $pooled i32) (local $step i32)
    (local $top i32) (local $right i32) (local $down i32) (local $best i32) (local $v f32)
    (local.set $right (i32.shl (local.get $C) (i32.const 2)))
    (local.set $down (i32.shl (i32.mul (local.get $W) (local.get $C)) (i32.const 2)))
    (local.set $step (local.get $right))
    (if (local.get $grad)
      (then (memory.fill (local.get $out) (i32.const 0)
        (i32.shl (i32.mul (i32.mul (i32.mul (local.get $B) (local.get $H)) (local.get $W)) (local.get $C)) (i32.const 2)))))
    (local.set $b (i32.const 0))
    (loop $image
      (local.set $c (i32.const 0))
      (loop $channel
        (local.set $p (i32.add (i32.mul (local.get $b) (local.get $C)) (local.get $c)))
        (local.set $rowTable (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $p) (local.get $rowStride)) (i32.const 2))))
        (local.set $colTable (i32.add (local.get $cols) (i32.shl (i32.mul (local.get $p) (local.get $colStride)) (i32.const 2))))
        (local.set $i (i32.const 0))
        (loop $row
          ;; byte addresses of x[b, rows[i], 0, c] and of the pooled [b, i, 0, c]
          (local.set $rowBase (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.mul
            (i32.add (i32.mul (local.get $b) (local.get $H)) (i32.load (i32.add (local.get $rowTable) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $W)) (local.get $C)) (local.get $c)) (i32.const 2))))
          (local.set $pooled (i32.shl (i32.add (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $OH)) (local.get $i)) (local.get $OW)) (local.get $C)) (local.get $c)) (i32.const 2)))
          (local.set $j (i32.const 0))
          (loop $column
            (local.set $top (i32.add (local.get $rowBase)
              (i32.mul (i32.load (i32.add (local.get $colTable) (i32.shl (local.get $j) (i32.const 2)))) (local.get $right))))
            (if (local.get $grad)
              (then
                (local.set $best (local.get $top))
                (local.set $v (f32.load (local.get $top)))
                (if (f32.gt (f32.load (i32.add (local.get $top) (local.get $right))) (local.get $v))
                  (then (local.set $best (i32.add (local.get $top) (local.get $right))) (local.set $v (f32.load (local.get $best)))))
                (if (f32.gt (f32.load (i32.add (local.get $top) (local.get $down))) (local.get $v))
                  (then (local.set $best (i32.add (local.get $top) (local.get $down))) (local.set $v (f32.load (local.get $best)))))
                (if (f32.gt (f32.load (i32.add (i32.add (local.get $top) (local.get $down)) (local.get $right))) (local.get $v))
                  (then (local.set $best (i32.add (i32.add (local.get $top) (local.get $down)) (local.get $right)))))
                ;; the same offset in out as best in x
                (local.set $best (i32.add (local.get $out) (i32.sub (local.get $best) (local.get $x))))
                (f32.store (local.get $best) (f32.add (f32.load (local.get $best)) (f32.load (i32.add (local.get $dy) (local.get $pooled))))))
              (else
                (f32.store (i32.add (local.get $out) (local.get $pooled))
                  (f32.max
                    (f32.max (f32.load (local.get $top)) (f32.load (i32.add (local.get $top) (local.get $right))))
                    (f32.max (f32.load (i32.add (local.get $top) (local.get $down))) (f32.load (i32.add (i32.add (local.get $top) (local.get $down)) (local.get $right))))))))
            (local.set $pooled (i32.add (local.get $pooled) (local.get $step)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $column (i32.lt_u (local.get $j) (local.get $OW))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $row (i32.lt_u (local.get $i) (local.get $OH))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $channel (i32.lt_u (local.get $c) (local.get $C))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $image (i32.lt_u (local.get $b) (local.get $B)))))

  ;; Transposes `count` row-major [R, C] float32 matrices (R, C multiples of 4) into [C, R] ones, 4x4 blocks at a time,
  ;; in tiles of 64 rows: the tile's source rows stay in cache while each 4-column block of it is written out as
  ;; four runs along destination rows (walking whole columns instead thrashes a cache set when R·4 bytes is a
  ;; multiple of 4 KiB).
  (func (export "transpose_2d") (param $src i32) (param $dst i32) (param $R i32) (param $C i32) (param $count i32)
    (local $r i32) (local $c i32) (local $tile i32) (local $tileEnd i32) (local $rowBytes i32) (local $colBytes i32)
    (local $in i32) (local $out i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $R) (i32.const 2)))
    (block $done
      (loop $matrix
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $tile (i32.const 0))
        (loop $tiles
          (local.set $tileEnd (i32.add (local.get $tile) (i32.const 64)))
          (if (i32.gt_u (local.get $tileEnd) (local.get $R)) (then (local.set $tileEnd (local.get $R))))
          (local.set $c (i32.const 0))
          (loop $columns
            (local.set $r (local.get $tile))
            (loop $rows
              (local.set $in (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2))))
              (local.set $v0 (v128.load (local.get $in)))
              (local.set $v1 (v128.load (i32.add (local.get $in) (local.get $rowBytes))))
              (local.set $v2 (v128.load (i32.add (local.get $in) (i32.shl (local.get $rowBytes) (i32.const 1)))))
              (local.set $v3 (v128.load (i32.add (local.get $in) (i32.mul (local.get $rowBytes) (i32.const 3)))))
              (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
              (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
              (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
              (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
              (local.set $out (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $R)) (local.get $r)) (i32.const 2))))
              (v128.store (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
              (v128.store (i32.add (local.get $out) (local.get $colBytes))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
              (v128.store (i32.add (local.get $out) (i32.shl (local.get $colBytes) (i32.const 1)))
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
              (v128.store (i32.add (local.get $out) (i32.mul (local.get $colBytes) (i32.const 3)))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
              (local.set $r (i32.add (local.get $r) (i32.const 4)))
              (br_if $rows (i32.lt_u (local.get $r) (local.get $tileEnd))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $columns (i32.lt_u (local.get $c) (local.get $C))))
          (local.set $tile (local.get $tileEnd))
          (br_if $tiles (i32.lt_u (local.get $tile) (local.get $R))))
        (local.set $src (i32.add (local.get $src) (i32.mul (local.get $R) (local.get $rowBytes))))
        (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $R) (local.get $rowBytes))))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $matrix))))

  ;; Nearest-neighbour x2 upsampling of NHWC x [N, h, w, C] (C a multiple of 4) into [N, 2h, 2w, C], and its
  ;; gradient dx = (dy[2y, 2x] + dy[2y, 2x+1]) + (dy[2y+1, 2x] + dy[2y+1, 2x+1]) (the order the stack-and-reshape
  ;; form's gradient adds them in).
  (func (export "upsample_2x") (param $x i32) (param $out i32) (param $rows i32) (param $w i32) (param $C i32)
    (local $j i32) (local $c i32) (local $rowBytes i32) (local $v v128)
    ;; rows = N·h input rows; each makes two output rows of 2w pixels
    (local.set $rowBytes (i32.shl (i32.mul (local.get $w) (local.get $C)) (i32.const 3)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $j (i32.const 0))
        (loop $pixel
          (local.set $c (i32.const 0))
          (loop $channels
            (local.set $v (v128.load (local.get $x)))
            (v128.store (local.get $out) (local.get $v))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $C) (i32.const 2))) (local.get $v))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $channels (i32.lt_u (local.get $c) (local.get $C))))
          (local.set $out (i32.add (local.get $out) (i32.shl (local.get $C) (i32.const 2))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $pixel (i32.lt_u (local.get $j) (local.get $w))))
        ;; the odd output row repeats the even one
        (memory.copy (local.get $out) (i32.sub (local.get $out) (local.get $rowBytes)) (local.get $rowBytes))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  (func (export "upsample_2x_grad") (param $dy i32) (param $dx i32) (param $rows i32) (param $w i32) (param $C i32)
    (local $j i32) (local $c i32) (local $rowBytes i32) (local $pixelBytes i32)
    (local.set $pixelBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowBytes (i32.shl (i32.mul (local.get $w) (local.get $C)) (i32.const 3)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $j (i32.const 0))
        (loop $pixel
          (local.set $c (i32.const 0))
          (loop $channels
            (v128.store (local.get $dx)
              (f32x4.add
                (f32x4.add (v128.load (local.get $dy)) (v128.load (i32.add (local.get $dy) (local.get $pixelBytes))))
                (f32x4.add
                  (v128.load (i32.add (local.get $dy) (local.get $rowBytes)))
                  (v128.load (i32.add (i32.add (local.get $dy) (local.get $rowBytes)) (local.get $pixelBytes))))))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $channels (i32.lt_u (local.get $c) (local.get $C))))
          (local.set $dy (i32.add (local.get $dy) (local.get $pixelBytes)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $pixel (i32.lt_u (local.get $j) (local.get $w))))
        (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; Filter gradient of a 1x1, stride 1 convolution straight from NHWC x [P, Ci] and dy [P, Co] (Co a multiple of 4):
  ;; dw[ci, co] += Σ_p x[p, ci]·dy[p, co] (dw not cleared), float32, in blocks of 128 pixels so that both blocks stay
  ;; in cache while every (ci, 4 vectors of co) accumulator tile sweeps them.
  (func (export "pointwise_filter_grad") (param $x i32) (param $dy i32) (param $dw i32) (param $P i32) (param $Ci i32) (param $Co i32)
    (local $p0 i32) (local $p1 i32) (local $p i32) (local $ci i32) (local $j i32) (local $xRow i32) (local $dyRow i32)
    (local $out i32) (local $xBytes i32) (local $dyBytes i32) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $xBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $dyBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $p0 (i32.const 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $p0) (local.get $P)))
        (local.set $p1 (i32.add (local.get $p0) (i32.const 128)))
        (if (i32.gt_u (local.get $p1) (local.get $P)) (then (local.set $p1 (local.get $P))))
        (local.set $ci (i32.const 0))
        (loop $inputs
          (local.set $j (i32.const 0))
          (block $columnsDone
            (loop $columns
              (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $Co)))
              (local.set $out (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (local.get $ci) (local.get $Co)) (local.get $j)) (i32.const 2))))
              (local.set $xRow (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $Ci)) (local.get $ci)) (i32.const 2))))
              (local.set $dyRow (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $Co)) (local.get $j)) (i32.const 2))))
              (local.set $p (local.get $p0))
              (if (i32.le_u (i32.add (local.get $j) (i32.const 16)) (local.get $Co))
                (then
                  ;; four vectors of co at once
                  (local.set $a0 (v128.load (local.get $out)))
                  (local.set $a1 (v128.load offset=16 (local.get $out)))
                  (local.set $a2 (v128.load offset=32 (local.get $out)))
                  (local.set $a3 (v128.load offset=48 (local.get $out)))
                  (loop $pixels4
                    (local.set $v (v128.load32_splat (local.get $xRow)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $dyRow)))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $dyRow)))))
                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $dyRow)))))
                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $dyRow)))))
                    (local.set $xRow (i32.add (local.get $xRow) (local.get $xBytes)))
                    (local.set $dyRow (i32.add (local.get $dyRow) (local.get $dyBytes)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br_if $pixels4 (i32.lt_u (local.get $p) (local.get $p1))))
                  (v128.store (local.get $out) (local.get $a0))
                  (v128.store offset=16 (local.get $out) (local.get $a1))
                  (v128.store offset=32 (local.get $out) (local.get $a2))
                  (v128.store offset=48 (local.get $out) (local.get $a3))
                  (local.set $j (i32.add (local.get $j) (i32.const 16))))
                (else
                  (local.set $a0 (v128.load (local.get $out)))
                  (loop $pixels
                    (local.set $a0 (f32x4.add (local.get $a0)
                      (f32x4.mul (v128.load32_splat (local.get $xRow)) (v128.load (local.get $dyRow)))))
                    (local.set $xRow (i32.add (local.get $xRow) (local.get $xBytes)))
                    (local.set $dyRow (i32.add (local.get $dyRow) (local.get $dyBytes)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br_if $pixels (i32.lt_u (local.get $p) (local.get $p1))))
                  (v128.store (local.get $out) (local.get $a0))
                  (local.set $j (i32.add (local.get $j) (i32.const 4)))))
              (br $columns)))
          (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
          (br_if $inputs (i32.lt_u (local.get $ci) (local.get $Ci))))
        (local.set $p0 (local.get $p1))
        (br $blocks))))

  ;; One filter tap's gradient for a stride-1 convolution, straight from NHWC: over `rows` runs of P pixels (x runs
  ;; xRowBytes apart, dy runs dyRowBytes apart; within a run pixels are Ci and Co floats apart),
  ;; dw[ci, co] += Σ x[ci]·dy[co] (dw not cleared; Co a multiple of 4), float32, in blocks of about 128 pixels.
  (func (export "tap_filter_grad")
    (param $x i32) (param $dy i32) (param $dw i32) (param $rows i32) (param $P i32)
    (param $xRowBytes i32) (param $dyRowBytes i32) (param $Ci i32) (param $Co i32)
    (local $r0 i32) (local $r1 i32) (local $blockRows i32) (local $r i32) (local $p i32) (local $ci i32) (local $j i32)
    (local $xRow i32) (local $dyRow i32) (local $xAt i32) (local $dyAt i32) (local $out i32) (local $xBytes i32) (local $dyBytes i32)
    (local $v v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $wide i32)
    (local.set $xBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $dyBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $blockRows (i32.div_u (i32.const 128) (local.get $P)))
    (if (i32.eqz (local.get $blockRows)) (then (local.set $blockRows (i32.const 1))))
    (local.set $r0 (i32.const 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $blockRows)))
        (if (i32.gt_u (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
        (local.set $ci (i32.const 0))
        (loop $inputs
          (local.set $j (i32.const 0))
          (block $columnsDone
            (loop $columns
              (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $Co)))
              (local.set $wide (i32.le_u (i32.add (local.get $j) (i32.const 16)) (local.get $Co)))
              (local.set $out (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (local.get $ci) (local.get $Co)) (local.get $j)) (i32.const 2))))
              (local.set $a0 (v128.load (local.get $out)))
              (if (local.get $wide)
                (then
                  (local.set $a1 (v128.load offset=16 (local.get $out)))
                  (local.set $a2 (v128.load offset=32 (local.get $out)))
                  (local.set $a3 (v128.load offset=48 (local.get $out)))))
              (local.set $xRow (i32.add (i32.add (local.get $x) (i32.mul (local.get $r0) (local.get $xRowBytes))) (i32.shl (local.get $ci) (i32.const 2))))
              (local.set $dyRow (i32.add (i32.add (local.get $dy) (i32.mul (local.get $r0) (local.get $dyRowBytes))) (i32.shl (local.get $j) (i32.const 2))))
              (local.set $r (local.get $r0))
              (loop $runs
                (local.set $xAt (local.get $xRow))
                (local.set $dyAt (local.get $dyRow))
                (local.set $p (i32.const 0))
                (if (local.get $wide)
                  (then
                    (loop $pixels4
                      (local.set $v (v128.load32_splat (local.get $xAt)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $dyAt)))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $dyAt)))))
                      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $dyAt)))))
                      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $dyAt)))))
                      (local.set $xAt (i32.add (local.get $xAt) (local.get $xBytes)))
                      (local.set $dyAt (i32.add (local.get $dyAt) (local.get $dyBytes)))
                      (local.set $p (i32.add (local.get $p) (i32.const 1)))
                      (br_if $pixels4 (i32.lt_u (local.get $p) (local.get $P)))))
                  (else
                    (loop $pixels
                      (local.set $a0 (f32x4.add (local.get $a0)
                        (f32x4.mul (v128.load32_splat (local.get $xAt)) (v128.load (local.get $dyAt)))))
                      (local.set $xAt (i32.add (local.get $xAt) (local.get $xBytes)))
                      (local.set $dyAt (i32.add (local.get $dyAt) (local.get $dyBytes)))
                      (local.set $p (i32.add (local.get $p) (i32.const 1)))
                      (br_if $pixels (i32.lt_u (local.get $p) (local.get $P))))))
                (local.set $xRow (i32.add (local.get $xRow) (local.get $xRowBytes)))
                (local.set $dyRow (i32.add (local.get $dyRow) (local.get $dyRowBytes)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br_if $runs (i32.lt_u (local.get $r) (local.get $r1))))
              (v128.store (local.get $out) (local.get $a0))
              (if (local.get $wide)
                (then
                  (v128.store offset=16 (local.get $out) (local.get $a1))
                  (v128.store offset=32 (local.get $out) (local.get $a2))
                  (v128.store offset=48 (local.get $out) (local.get $a3))
                  (local.set $j (i32.add (local.get $j) (i32.const 16))))
                (else (local.set $j (i32.add (local.get $j) (i32.const 4)))))
              (br $columns)))
          (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
          (br_if $inputs (i32.lt_u (local.get $ci) (local.get $Ci))))
        (local.set $r0 (local.get $r1))
        (br $blocks))))
)
