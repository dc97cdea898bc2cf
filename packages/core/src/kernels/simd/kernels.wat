;; gradwell's own WASM SIMD kernels: loops that tfjs 4.22's wasm backend runs slowly (or not at all) and
;; that gradwell previously ran as JavaScript over the heap. They work in place on the wasm backend's own
;; memory (imported), on byte offsets of its tensors, so nothing is copied in or out.
;;
;; Compiled by `scripts/build-simd.mjs` (wabt, from npm) into `simd-binary.generated.ts`, once with the
;; memory import below as written (the single-threaded backend) and once as `(memory 0 65536 shared)`
;; (the threaded one, whose heap is a SharedArrayBuffer). `simd-kernels.test.ts` checks the generated
;; file is current and each function against a JavaScript reference.
(module
  (import "env" "memory" (memory 0)) ;; @memory

  ;; MaxPoolGrad for disjoint, unpadded windows (stride = window), channels a multiple of 4.
  ;; Each dy goes to the position `maxPoolDisjoint` takes its maximum from, as tfjs's cpu backend routes
  ;; it: the running maximum starts at −∞ and a position replaces it only when strictly greater, so ties
  ;; keep the earlier position, a NaN is never taken, and a window with no value above −∞ (all NaN or
  ;; −∞) passes no gradient on. Positions outside every window are not written: dx must be zero there
  ;; already.
  (func (export "maxPoolGradDisjoint")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $ch i32)
    (param $outH i32) (param $outW i32) (param $fh i32) (param $fw i32)
    (local $rowBytes i32) (local $pixelBytes i32) (local $image i32) (local $imageBytes i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $d i32) (local $r i32) (local $c i32)
    (local $corner i32) (local $at i32) (local $pos i32) (local $dyAt i32) (local $chBytes i32)
    (local $best v128) (local $index v128) (local $v v128) (local $greater v128) (local $g v128)
    (local.set $chBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $pixelBytes (local.get $chBytes))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $pixelBytes)))
    (local.set $imageBytes (i32.mul (local.get $inH) (local.get $rowBytes)))
    (local.set $dyAt (local.get $dy))
    (local.set $b (i32.const 0))
    (block $batchDone
      (loop $batchLoop
        (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $image (i32.mul (local.get $b) (local.get $imageBytes)))
        (local.set $yr (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $yr) (local.get $outH)))
            (local.set $yc (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $yc) (local.get $outW)))
                ;; byte offset of the window's top-left pixel within x / dx
                (local.set $corner
                  (i32.add (local.get $image)
                    (i32.add
                      (i32.mul (i32.mul (local.get $yr) (local.get $fh)) (local.get $rowBytes))
                      (i32.mul (i32.mul (local.get $yc) (local.get $fw)) (local.get $pixelBytes)))))
                (local.set $d (i32.const 0))
                (if (i32.and (i32.eq (local.get $fh) (i32.const 2)) (i32.eq (local.get $fw) (i32.const 2)))
                  (then
                    ;; 2 × 2: the window's four pixels at once, in the same order, channel by channel
                    (block $pairDone
                      (loop $pairLoop
                        (br_if $pairDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                        (local.set $at (i32.add (local.get $corner) (local.get $d)))
                        (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
                        (local.set $index (v128.const i32x4 -1 -1 -1 -1))
                        (local.set $v (v128.load (i32.add (local.get $x) (local.get $at))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (v128.const i32x4 0 0 0 0) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $pixelBytes)))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (v128.const i32x4 1 1 1 1) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $rowBytes)))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (v128.const i32x4 2 2 2 2) (local.get $index) (local.get $greater)))
                        (local.set $v
                          (v128.load (i32.add (local.get $x)
                            (i32.add (local.get $at) (i32.add (local.get $rowBytes) (local.get $pixelBytes))))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $index (v128.bitselect (v128.const i32x4 3 3 3 3) (local.get $index) (local.get $greater)))
                        (local.set $g (v128.load (local.get $dyAt)))
                        (local.set $at (i32.add (local.get $dx) (local.get $at)))
                        (v128.store (local.get $at)
                          (v128.and (local.get $g) (i32x4.eq (local.get $index) (v128.const i32x4 0 0 0 0))))
                        (v128.store (i32.add (local.get $at) (local.get $pixelBytes))
                          (v128.and (local.get $g) (i32x4.eq (local.get $index) (v128.const i32x4 1 1 1 1))))
                        (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
                        (v128.store (local.get $at)
                          (v128.and (local.get $g) (i32x4.eq (local.get $index) (v128.const i32x4 2 2 2 2))))
                        (v128.store (i32.add (local.get $at) (local.get $pixelBytes))
                          (v128.and (local.get $g) (i32x4.eq (local.get $index) (v128.const i32x4 3 3 3 3))))
                        (local.set $dyAt (i32.add (local.get $dyAt) (i32.const 16)))
                        (local.set $d (i32.add (local.get $d) (i32.const 16)))
                        (br $pairLoop)))))
                (block $channelsDone
                  (loop $channelLoop
                    (br_if $channelsDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                    ;; argmax over the window, four channels at a time
                    (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
                    (local.set $index (v128.const i32x4 -1 -1 -1 -1))
                    (local.set $pos (i32.const 0))
                    (local.set $r (i32.const 0))
                    (block $scanRowsDone
                      (loop $scanRows
                        (br_if $scanRowsDone (i32.ge_u (local.get $r) (local.get $fh)))
                        (local.set $c (i32.const 0))
                        (block $scanColsDone
                          (loop $scanCols
                            (br_if $scanColsDone (i32.ge_u (local.get $c) (local.get $fw)))
                            (local.set $at
                              (i32.add (local.get $corner)
                                (i32.add (local.get $d)
                                  (i32.add (i32.mul (local.get $r) (local.get $rowBytes))
                                    (i32.mul (local.get $c) (local.get $pixelBytes))))))
                            (local.set $v (v128.load (i32.add (local.get $x) (local.get $at))))
                            (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                            (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                            (local.set $index
                              (v128.bitselect (i32x4.splat (local.get $pos)) (local.get $index) (local.get $greater)))
                            (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
                            (local.set $c (i32.add (local.get $c) (i32.const 1)))
                            (br $scanCols)))
                        (local.set $r (i32.add (local.get $r) (i32.const 1)))
                        (br $scanRows)))
                    ;; route dy: each window position gets dy where it is the argmax, 0 elsewhere
                    (local.set $g (v128.load (local.get $dyAt)))
                    (local.set $pos (i32.const 0))
                    (local.set $r (i32.const 0))
                    (block $writeRowsDone
                      (loop $writeRows
                        (br_if $writeRowsDone (i32.ge_u (local.get $r) (local.get $fh)))
                        (local.set $c (i32.const 0))
                        (block $writeColsDone
                          (loop $writeCols
                            (br_if $writeColsDone (i32.ge_u (local.get $c) (local.get $fw)))
                            (local.set $at
                              (i32.add (local.get $corner)
                                (i32.add (local.get $d)
                                  (i32.add (i32.mul (local.get $r) (local.get $rowBytes))
                                    (i32.mul (local.get $c) (local.get $pixelBytes))))))
                            (v128.store (i32.add (local.get $dx) (local.get $at))
                              (v128.and (local.get $g)
                                (i32x4.eq (local.get $index) (i32x4.splat (local.get $pos)))))
                            (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
                            (local.set $c (i32.add (local.get $c) (i32.const 1)))
                            (br $writeCols)))
                        (local.set $r (i32.add (local.get $r) (i32.const 1)))
                        (br $writeRows)))
                    (local.set $dyAt (i32.add (local.get $dyAt) (i32.const 16)))
                    (local.set $d (i32.add (local.get $d) (i32.const 16)))
                    (br $channelLoop)))
                (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
                (br $colLoop)))
            (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
            (br $rowLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $batchLoop))))

  ;; MaxPool for disjoint, unpadded windows (stride = window), channels a multiple of 4: each output
  ;; the maximum of its window, as tfjs's cpu backend takes it: from −∞, a value replacing the running
  ;; maximum only when strictly greater (so a NaN never does, and a window of NaNs gives −∞), in
  ;; row-major scan order. Input rows and columns past the last whole window are not read. Outputs in
  ;; order (image, row, column, channel), four channels at a time.
  (func (export "maxPoolDisjoint")
    (param $x i32) (param $y i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $ch i32)
    (param $outH i32) (param $outW i32) (param $fh i32) (param $fw i32)
    (local $rowBytes i32) (local $chBytes i32) (local $imageBytes i32) (local $windowRow i32)
    (local $image i32) (local $rowAt i32) (local $corner i32) (local $d i32) (local $at i32)
    (local $lineEnd i32) (local $windowEnd i32) (local $yAt i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $best v128) (local $v v128)
    (local.set $chBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $chBytes)))
    (local.set $imageBytes (i32.mul (local.get $inH) (local.get $rowBytes)))
    ;; bytes from a window's first row to the next window row's (fh input rows)
    (local.set $windowRow (i32.mul (local.get $fh) (local.get $rowBytes)))
    (local.set $yAt (local.get $y))
    (local.set $b (i32.const 0))
    (block $batchDone
      (loop $batchLoop
        (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $image (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $imageBytes))))
        (local.set $yr (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $yr) (local.get $outH)))
            (local.set $rowAt (i32.add (local.get $image) (i32.mul (local.get $yr) (local.get $windowRow))))
            (local.set $yc (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $yc) (local.get $outW)))
                (local.set $corner
                  (i32.add (local.get $rowAt)
                    (i32.mul (i32.mul (local.get $yc) (local.get $fw)) (local.get $chBytes))))
                (local.set $d (i32.const 0))
                (if (i32.and (i32.eq (local.get $fh) (i32.const 2)) (i32.eq (local.get $fw) (i32.const 2)))
                  (then
                    ;; 2 × 2: the window's four pixels side by side, channel by channel, the same order
                    (block $pairDone
                      (loop $pairLoop
                        (br_if $pairDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                        (local.set $at (i32.add (local.get $corner) (local.get $d)))
                        (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
                        (local.set $v (v128.load (local.get $at)))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $chBytes))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
                        (local.set $v (v128.load (local.get $at)))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $chBytes))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (local.get $v)))
                        (v128.store (local.get $yAt) (local.get $best))
                        (local.set $yAt (i32.add (local.get $yAt) (i32.const 16)))
                        (local.set $d (i32.add (local.get $d) (i32.const 16)))
                        (br $pairLoop)))))
                (block $channelsDone
                  (loop $channelLoop
                    (br_if $channelsDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                    (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
                    (local.set $at (i32.add (local.get $corner) (local.get $d)))
                    (local.set $windowEnd (i32.add (local.get $at) (local.get $windowRow)))
                    (block $scanRowsDone
                      (loop $scanRows
                        (br_if $scanRowsDone (i32.ge_u (local.get $at) (local.get $windowEnd)))
                        (local.set $lineEnd
                          (i32.add (local.get $at) (i32.mul (local.get $fw) (local.get $chBytes))))
                        (block $scanColsDone
                          (loop $scanCols
                            (br_if $scanColsDone (i32.ge_u (local.get $at) (local.get $lineEnd)))
                            (local.set $v (v128.load (local.get $at)))
                            (local.set $best
                              (f32x4.pmax (local.get $best) (local.get $v)))
                            (local.set $at (i32.add (local.get $at) (local.get $chBytes)))
                            (br $scanCols)))
                        ;; on to the window's next row, back at its first column
                        (local.set $at
                          (i32.sub (i32.add (local.get $at) (local.get $rowBytes))
                            (i32.mul (local.get $fw) (local.get $chBytes))))
                        (br $scanRows)))
                    (v128.store (local.get $yAt) (local.get $best))
                    (local.set $yAt (i32.add (local.get $yAt) (i32.const 16)))
                    (local.set $d (i32.add (local.get $d) (i32.const 16)))
                    (br $channelLoop)))
                (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
                (br $colLoop)))
            (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
            (br $rowLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $batchLoop))))

  ;; MaxPool for any windows: strided, overlapping or padded (`padTop` rows and `padLeft` columns of
  ;; nothing before the image; a window's part outside the image is not read), any channel count, four
  ;; channels at a time and the rest one by one. Each output its window's maximum as `maxPoolDisjoint`
  ;; takes it (from −∞, strictly greater, row-major), as tfjs's cpu backend does; a window with nothing
  ;; inside the image gives −∞. Outputs in order (image, row, column, channel).
  (func (export "maxPoolWindows")
    (param $x i32) (param $y i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $ch i32)
    (param $outH i32) (param $outW i32) (param $fh i32) (param $fw i32)
    (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (local $chBytes i32) (local $rowBytes i32) (local $imageBytes i32) (local $image i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $from i32) (local $to i32)
    (local $rows i32) (local $cols i32) (local $rowFirst i32) (local $first i32)
    (local $d i32) (local $r i32) (local $c i32) (local $rowAt i32) (local $at i32) (local $yAt i32)
    (local $twoPixels i32)
    (local $best v128) (local $bestOne f32) (local $one f32)
    (local.set $chBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $chBytes)))
    (local.set $imageBytes (i32.mul (local.get $inH) (local.get $rowBytes)))
    (local.set $twoPixels (i32.shl (local.get $chBytes) (i32.const 1)))
    (local.set $yAt (local.get $y))
    (local.set $b (i32.const 0))
    (block $batchDone
      (loop $batchLoop
        (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $image (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $imageBytes))))
        (local.set $yr (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $yr) (local.get $outH)))
            ;; the window's rows inside the image: from, to (exclusive), clipped
            (local.set $from (i32.sub (i32.mul (local.get $yr) (local.get $sh)) (local.get $padTop)))
            (local.set $to (i32.add (local.get $from) (local.get $fh)))
            (if (i32.lt_s (local.get $from) (i32.const 0)) (then (local.set $from (i32.const 0))))
            (if (i32.gt_s (local.get $to) (local.get $inH)) (then (local.set $to (local.get $inH))))
            (local.set $rows
              (select (i32.sub (local.get $to) (local.get $from)) (i32.const 0)
                (i32.gt_s (local.get $to) (local.get $from))))
            (local.set $rowFirst (i32.add (local.get $image) (i32.mul (local.get $from) (local.get $rowBytes))))
            (local.set $yc (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $yc) (local.get $outW)))
                (local.set $from (i32.sub (i32.mul (local.get $yc) (local.get $sw)) (local.get $padLeft)))
                (local.set $to (i32.add (local.get $from) (local.get $fw)))
                (if (i32.lt_s (local.get $from) (i32.const 0)) (then (local.set $from (i32.const 0))))
                (if (i32.gt_s (local.get $to) (local.get $inW)) (then (local.set $to (local.get $inW))))
                (local.set $cols
                  (select (i32.sub (local.get $to) (local.get $from)) (i32.const 0)
                    (i32.gt_s (local.get $to) (local.get $from))))
                ;; the window's first pixel inside the image
                (local.set $first (i32.add (local.get $rowFirst) (i32.mul (local.get $from) (local.get $chBytes))))
                (local.set $d (i32.const 0))
                (if (i32.and (i32.eq (local.get $rows) (i32.const 3)) (i32.eq (local.get $cols) (i32.const 3)))
                  (then
                    ;; a whole 3 × 3 window (AlexNet's, a ResNet stem's), its nine pixels written out
                    (block $fullDone
                      (loop $fullLoop
                        (br_if $fullDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                        (if (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $chBytes))
                          (then
                            ;; fewer than four channels left: the last four, over some done already (the
                            ;; same values written again); under four channels in all, one by one below
                            (br_if $fullDone (i32.lt_u (local.get $chBytes) (i32.const 16)))
                            (local.set $yAt
                              (i32.sub (local.get $yAt)
                                (i32.sub (local.get $d) (i32.sub (local.get $chBytes) (i32.const 16)))))
                            (local.set $d (i32.sub (local.get $chBytes) (i32.const 16)))))
                        (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
                        (local.set $at (i32.add (local.get $first) (local.get $d)))
                        (local.set $best (f32x4.pmax (local.get $best) (v128.load (local.get $at))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (v128.load (i32.add (local.get $at) (local.get $chBytes)))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (v128.load (i32.add (local.get $at) (local.get $twoPixels)))))
                        (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
                        (local.set $best (f32x4.pmax (local.get $best) (v128.load (local.get $at))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (v128.load (i32.add (local.get $at) (local.get $chBytes)))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (v128.load (i32.add (local.get $at) (local.get $twoPixels)))))
                        (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
                        (local.set $best (f32x4.pmax (local.get $best) (v128.load (local.get $at))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (v128.load (i32.add (local.get $at) (local.get $chBytes)))))
                        (local.set $best
                          (f32x4.pmax (local.get $best) (v128.load (i32.add (local.get $at) (local.get $twoPixels)))))
                        (v128.store (local.get $yAt) (local.get $best))
                        (local.set $yAt (i32.add (local.get $yAt) (i32.const 16)))
                        (local.set $d (i32.add (local.get $d) (i32.const 16)))
                        (br $fullLoop))))
                  (else
                    (block $groupsDone
                      (loop $groupLoop
                        (br_if $groupsDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                        (if (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $chBytes))
                          (then
                            ;; fewer than four channels left: the last four, over some done already (the
                            ;; same values written again); under four channels in all, one by one below
                            (br_if $groupsDone (i32.lt_u (local.get $chBytes) (i32.const 16)))
                            (local.set $yAt
                              (i32.sub (local.get $yAt)
                                (i32.sub (local.get $d) (i32.sub (local.get $chBytes) (i32.const 16)))))
                            (local.set $d (i32.sub (local.get $chBytes) (i32.const 16)))))
                        (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
                        (local.set $rowAt (i32.add (local.get $first) (local.get $d)))
                        (local.set $r (local.get $rows))
                        (block $scanRowsDone
                          (loop $scanRows
                            (br_if $scanRowsDone (i32.eqz (local.get $r)))
                            (local.set $at (local.get $rowAt))
                            (local.set $c (local.get $cols))
                            (block $scanColsDone
                              (loop $scanCols
                                (br_if $scanColsDone (i32.eqz (local.get $c)))
                                (local.set $best (f32x4.pmax (local.get $best) (v128.load (local.get $at))))
                                (local.set $at (i32.add (local.get $at) (local.get $chBytes)))
                                (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                                (br $scanCols)))
                            (local.set $rowAt (i32.add (local.get $rowAt) (local.get $rowBytes)))
                            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                            (br $scanRows)))
                        (v128.store (local.get $yAt) (local.get $best))
                        (local.set $yAt (i32.add (local.get $yAt) (i32.const 16)))
                        (local.set $d (i32.add (local.get $d) (i32.const 16)))
                        (br $groupLoop)))))
                ;; under four channels in all: one by one
                (block $tailDone
                  (loop $tailLoop
                    (br_if $tailDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                    (local.set $bestOne (f32.const -inf))
                    (local.set $rowAt (i32.add (local.get $first) (local.get $d)))
                    (local.set $r (local.get $rows))
                    (block $oneRowsDone
                      (loop $oneRows
                        (br_if $oneRowsDone (i32.eqz (local.get $r)))
                        (local.set $at (local.get $rowAt))
                        (local.set $c (local.get $cols))
                        (block $oneColsDone
                          (loop $oneCols
                            (br_if $oneColsDone (i32.eqz (local.get $c)))
                            (local.set $one (f32.load (local.get $at)))
                            (if (f32.gt (local.get $one) (local.get $bestOne))
                              (then (local.set $bestOne (local.get $one))))
                            (local.set $at (i32.add (local.get $at) (local.get $chBytes)))
                            (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                            (br $oneCols)))
                        (local.set $rowAt (i32.add (local.get $rowAt) (local.get $rowBytes)))
                        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                        (br $oneRows)))
                    (f32.store (local.get $yAt) (local.get $bestOne))
                    (local.set $yAt (i32.add (local.get $yAt) (i32.const 4)))
                    (local.set $d (i32.add (local.get $d) (i32.const 4)))
                    (br $tailLoop)))
                (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
                (br $colLoop)))
            (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
            (br $rowLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $batchLoop))))

  ;; MaxPoolGrad for any windows (as `maxPoolWindows` takes them): dx of each image zeroed, then each dy
  ;; added where its window's maximum is, as `maxPoolWindows` takes it (nowhere where no value is above
  ;; −∞), windows in output order, so a position in several windows sums their gradients in that order.
  ;; Four channels at a time: the scan keeps each lane's maximum and its position (bytes from the
  ;; window's first pixel, −1 for none), then each lane's dy is added at its position; the channels past
  ;; the last four, one by one.
  (func (export "maxPoolGradWindows")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $ch i32)
    (param $outH i32) (param $outW i32) (param $fh i32) (param $fw i32)
    (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (local $chBytes i32) (local $rowBytes i32) (local $imageBytes i32) (local $image i32) (local $toDx i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $from i32) (local $to i32)
    (local $rows i32) (local $cols i32) (local $rowFirst i32) (local $first i32) (local $dxFirst i32)
    (local $d i32) (local $r i32) (local $c i32) (local $rowAt i32) (local $at i32) (local $dyAt i32)
    (local $off i32) (local $rowOff i32) (local $o i32) (local $end i32) (local $bestAt i32)
    (local $best v128) (local $index v128) (local $v v128) (local $greater v128) (local $g v128)
    (local $twoPixels i32)
    (local $off1 v128) (local $off2 v128) (local $off3 v128) (local $off4 v128) (local $off5 v128)
    (local $off6 v128) (local $off7 v128) (local $off8 v128)
    (local $skip v128) (local $bestOne f32) (local $one f32)
    (local.set $chBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $chBytes)))
    (local.set $imageBytes (i32.mul (local.get $inH) (local.get $rowBytes)))
    ;; a whole 3 × 3 window's positions after the first, in bytes from it
    (local.set $twoPixels (i32.shl (local.get $chBytes) (i32.const 1)))
    (local.set $off1 (i32x4.splat (local.get $chBytes)))
    (local.set $off2 (i32x4.splat (local.get $twoPixels)))
    (local.set $off3 (i32x4.splat (local.get $rowBytes)))
    (local.set $off4 (i32x4.add (local.get $off3) (local.get $off1)))
    (local.set $off5 (i32x4.add (local.get $off3) (local.get $off2)))
    (local.set $off6 (i32x4.add (local.get $off3) (local.get $off3)))
    (local.set $off7 (i32x4.add (local.get $off6) (local.get $off1)))
    (local.set $off8 (i32x4.add (local.get $off6) (local.get $off2)))
    ;; from a position in x to the same position in dx
    (local.set $toDx (i32.sub (local.get $dx) (local.get $x)))
    (local.set $dyAt (local.get $dy))
    (local.set $b (i32.const 0))
    (block $batchDone
      (loop $batchLoop
        (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $image (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $imageBytes))))
        ;; the image's dx zeroed, sixteen bytes at a time, then four
        (local.set $at (i32.add (local.get $image) (local.get $toDx)))
        (local.set $end (i32.add (local.get $at) (local.get $imageBytes)))
        (block $zeroDone
          (loop $zeroLoop
            (br_if $zeroDone (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $at) (v128.const i32x4 0 0 0 0))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $zeroLoop)))
        (block $zeroTailDone
          (loop $zeroTail
            (br_if $zeroTailDone (i32.ge_u (local.get $at) (local.get $end)))
            (f32.store (local.get $at) (f32.const 0))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (br $zeroTail)))
        (local.set $yr (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $yr) (local.get $outH)))
            (local.set $from (i32.sub (i32.mul (local.get $yr) (local.get $sh)) (local.get $padTop)))
            (local.set $to (i32.add (local.get $from) (local.get $fh)))
            (if (i32.lt_s (local.get $from) (i32.const 0)) (then (local.set $from (i32.const 0))))
            (if (i32.gt_s (local.get $to) (local.get $inH)) (then (local.set $to (local.get $inH))))
            (local.set $rows
              (select (i32.sub (local.get $to) (local.get $from)) (i32.const 0)
                (i32.gt_s (local.get $to) (local.get $from))))
            (local.set $rowFirst (i32.add (local.get $image) (i32.mul (local.get $from) (local.get $rowBytes))))
            (local.set $yc (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $yc) (local.get $outW)))
                (local.set $from (i32.sub (i32.mul (local.get $yc) (local.get $sw)) (local.get $padLeft)))
                (local.set $to (i32.add (local.get $from) (local.get $fw)))
                (if (i32.lt_s (local.get $from) (i32.const 0)) (then (local.set $from (i32.const 0))))
                (if (i32.gt_s (local.get $to) (local.get $inW)) (then (local.set $to (local.get $inW))))
                (local.set $cols
                  (select (i32.sub (local.get $to) (local.get $from)) (i32.const 0)
                    (i32.gt_s (local.get $to) (local.get $from))))
                (local.set $first (i32.add (local.get $rowFirst) (i32.mul (local.get $from) (local.get $chBytes))))
                (local.set $d (i32.const 0))
                (block $groupsDone
                  (loop $groupLoop
                    (br_if $groupsDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                    (local.set $skip (v128.const i32x4 0 0 0 0))
                    (if (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $chBytes))
                      (then
                        ;; fewer than four channels left: the last four, the lanes of those done already
                        ;; skipped; under four channels in all, one by one below
                        (br_if $groupsDone (i32.lt_u (local.get $chBytes) (i32.const 16)))
                        (local.set $o (i32.sub (local.get $d) (i32.sub (local.get $chBytes) (i32.const 16))))
                        (local.set $skip
                          (i32x4.lt_s (v128.const i32x4 0 4 8 12) (i32x4.splat (local.get $o))))
                        (local.set $dyAt (i32.sub (local.get $dyAt) (local.get $o)))
                        (local.set $d (i32.sub (local.get $chBytes) (i32.const 16)))))
                    (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
                    (local.set $index (v128.const i32x4 -1 -1 -1 -1))
                    (if (i32.and (i32.eq (local.get $rows) (i32.const 3)) (i32.eq (local.get $cols) (i32.const 3)))
                      (then
                        ;; a whole 3 × 3 window, its nine pixels written out
                        (local.set $at (i32.add (local.get $first) (local.get $d)))
                        (local.set $v (v128.load (local.get $at)))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (v128.const i32x4 0 0 0 0) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $chBytes))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off1) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $twoPixels))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off2) (local.get $index) (local.get $greater)))
                        (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
                        (local.set $v (v128.load (local.get $at)))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off3) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $chBytes))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off4) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $twoPixels))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off5) (local.get $index) (local.get $greater)))
                        (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
                        (local.set $v (v128.load (local.get $at)))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off6) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $chBytes))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off7) (local.get $index) (local.get $greater)))
                        (local.set $v (v128.load (i32.add (local.get $at) (local.get $twoPixels))))
                        (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                        (local.set $index (v128.bitselect (local.get $off8) (local.get $index) (local.get $greater)))
                      )
                      (else
                        (local.set $rowAt (i32.add (local.get $first) (local.get $d)))
                        (local.set $rowOff (i32.const 0))
                        (local.set $r (local.get $rows))
                        (block $scanRowsDone
                          (loop $scanRows
                            (br_if $scanRowsDone (i32.eqz (local.get $r)))
                            (local.set $at (local.get $rowAt))
                            (local.set $off (local.get $rowOff))
                            (local.set $c (local.get $cols))
                            (block $scanColsDone
                              (loop $scanCols
                                (br_if $scanColsDone (i32.eqz (local.get $c)))
                                (local.set $v (v128.load (local.get $at)))
                                (local.set $greater (f32x4.gt (local.get $v) (local.get $best)))
                                (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))
                                (local.set $index
                                  (v128.bitselect (i32x4.splat (local.get $off)) (local.get $index) (local.get $greater)))
                                (local.set $at (i32.add (local.get $at) (local.get $chBytes)))
                                (local.set $off (i32.add (local.get $off) (local.get $chBytes)))
                                (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                                (br $scanCols)))
                            (local.set $rowAt (i32.add (local.get $rowAt) (local.get $rowBytes)))
                            (local.set $rowOff (i32.add (local.get $rowOff) (local.get $rowBytes)))
                            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                            (br $scanRows)))
                      ))
                    ;; each lane's dy added at its maximum (lane k: channel d / 4 + k), but a skipped lane's
                    (local.set $index (v128.or (local.get $index) (local.get $skip)))
                    (local.set $g (v128.load (local.get $dyAt)))
                    (local.set $dxFirst (i32.add (i32.add (local.get $first) (local.get $d)) (local.get $toDx)))
                    (local.set $o (i32x4.extract_lane 0 (local.get $index)))
                    (if (i32.ge_s (local.get $o) (i32.const 0))
                      (then
                        (local.set $at (i32.add (local.get $dxFirst) (i32.add (local.get $o) (i32.const 0))))
                        (f32.store (local.get $at)
                          (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 0 (local.get $g))))))
                    (local.set $o (i32x4.extract_lane 1 (local.get $index)))
                    (if (i32.ge_s (local.get $o) (i32.const 0))
                      (then
                        (local.set $at (i32.add (local.get $dxFirst) (i32.add (local.get $o) (i32.const 4))))
                        (f32.store (local.get $at)
                          (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 1 (local.get $g))))))
                    (local.set $o (i32x4.extract_lane 2 (local.get $index)))
                    (if (i32.ge_s (local.get $o) (i32.const 0))
                      (then
                        (local.set $at (i32.add (local.get $dxFirst) (i32.add (local.get $o) (i32.const 8))))
                        (f32.store (local.get $at)
                          (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 2 (local.get $g))))))
                    (local.set $o (i32x4.extract_lane 3 (local.get $index)))
                    (if (i32.ge_s (local.get $o) (i32.const 0))
                      (then
                        (local.set $at (i32.add (local.get $dxFirst) (i32.add (local.get $o) (i32.const 12))))
                        (f32.store (local.get $at)
                          (f32.add (f32.load (local.get $at)) (f32x4.extract_lane 3 (local.get $g))))))
                    (local.set $dyAt (i32.add (local.get $dyAt) (i32.const 16)))
                    (local.set $d (i32.add (local.get $d) (i32.const 16)))
                    (br $groupLoop)))
                ;; under four channels in all: one by one, the maximum's address, or none (−1)
                (block $tailDone
                  (loop $tailLoop
                    (br_if $tailDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                    (local.set $bestOne (f32.const -inf))
                    (local.set $bestAt (i32.const -1))
                    (local.set $rowAt (i32.add (local.get $first) (local.get $d)))
                    (local.set $r (local.get $rows))
                    (block $oneRowsDone
                      (loop $oneRows
                        (br_if $oneRowsDone (i32.eqz (local.get $r)))
                        (local.set $at (local.get $rowAt))
                        (local.set $c (local.get $cols))
                        (block $oneColsDone
                          (loop $oneCols
                            (br_if $oneColsDone (i32.eqz (local.get $c)))
                            (local.set $one (f32.load (local.get $at)))
                            (if (f32.gt (local.get $one) (local.get $bestOne))
                              (then
                                (local.set $bestOne (local.get $one))
                                (local.set $bestAt (local.get $at))))
                            (local.set $at (i32.add (local.get $at) (local.get $chBytes)))
                            (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                            (br $oneCols)))
                        (local.set $rowAt (i32.add (local.get $rowAt) (local.get $rowBytes)))
                        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                        (br $oneRows)))
                    (if (i32.ne (local.get $bestAt) (i32.const -1))
                      (then
                        (local.set $at (i32.add (local.get $bestAt) (local.get $toDx)))
                        (f32.store (local.get $at)
                          (f32.add (f32.load (local.get $at)) (f32.load (local.get $dyAt))))))
                    (local.set $dyAt (i32.add (local.get $dyAt) (i32.const 4)))
                    (local.set $d (i32.add (local.get $d) (i32.const 4)))
                    (br $tailLoop)))
                (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
                (br $colLoop)))
            (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
            (br $rowLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $batchLoop))))

  ;; AvgPoolGrad for any windows (as `maxPoolWindows` takes them): dx of each image zeroed, then each dy
  ;; times its window's share, 1 / (the window's positions inside the image) rounded to float32, added
  ;; at every position of the window inside the image, windows in output order. Four channels at a
  ;; time; the last channels as the last four, the lanes done already adding nothing; under four
  ;; channels in all, one by one.
  (func (export "avgPoolGradWindows")
    (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $ch i32)
    (param $outH i32) (param $outW i32) (param $fh i32) (param $fw i32)
    (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (local $chBytes i32) (local $rowBytes i32) (local $imageBytes i32) (local $image i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $from i32) (local $to i32)
    (local $rows i32) (local $cols i32) (local $rowFirst i32) (local $first i32) (local $o i32)
    (local $d i32) (local $r i32) (local $c i32) (local $rowAt i32) (local $at i32) (local $dyAt i32)
    (local $end i32) (local $share f32) (local $keep v128) (local $g v128) (local $one f32)
    (local.set $chBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $chBytes)))
    (local.set $imageBytes (i32.mul (local.get $inH) (local.get $rowBytes)))
    (local.set $dyAt (local.get $dy))
    (local.set $b (i32.const 0))
    (block $batchDone
      (loop $batchLoop
        (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $image (i32.add (local.get $dx) (i32.mul (local.get $b) (local.get $imageBytes))))
        ;; the image's dx zeroed, sixteen bytes at a time, then four
        (local.set $at (local.get $image))
        (local.set $end (i32.add (local.get $at) (local.get $imageBytes)))
        (block $zeroDone
          (loop $zeroLoop
            (br_if $zeroDone (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $at) (v128.const i32x4 0 0 0 0))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $zeroLoop)))
        (block $zeroTailDone
          (loop $zeroTail
            (br_if $zeroTailDone (i32.ge_u (local.get $at) (local.get $end)))
            (f32.store (local.get $at) (f32.const 0))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (br $zeroTail)))
        (local.set $yr (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $yr) (local.get $outH)))
            (local.set $from (i32.sub (i32.mul (local.get $yr) (local.get $sh)) (local.get $padTop)))
            (local.set $to (i32.add (local.get $from) (local.get $fh)))
            (if (i32.lt_s (local.get $from) (i32.const 0)) (then (local.set $from (i32.const 0))))
            (if (i32.gt_s (local.get $to) (local.get $inH)) (then (local.set $to (local.get $inH))))
            (local.set $rows
              (select (i32.sub (local.get $to) (local.get $from)) (i32.const 0)
                (i32.gt_s (local.get $to) (local.get $from))))
            (local.set $rowFirst (i32.add (local.get $image) (i32.mul (local.get $from) (local.get $rowBytes))))
            (local.set $yc (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $yc) (local.get $outW)))
                (local.set $from (i32.sub (i32.mul (local.get $yc) (local.get $sw)) (local.get $padLeft)))
                (local.set $to (i32.add (local.get $from) (local.get $fw)))
                (if (i32.lt_s (local.get $from) (i32.const 0)) (then (local.set $from (i32.const 0))))
                (if (i32.gt_s (local.get $to) (local.get $inW)) (then (local.set $to (local.get $inW))))
                (local.set $cols
                  (select (i32.sub (local.get $to) (local.get $from)) (i32.const 0)
                    (i32.gt_s (local.get $to) (local.get $from))))
                (local.set $first (i32.add (local.get $rowFirst) (i32.mul (local.get $from) (local.get $chBytes))))
                ;; a window with nothing inside the image passes nothing on (and divides by nothing)
                (local.set $share
                  (f32.div (f32.const 1) (f32.convert_i32_u (i32.mul (local.get $rows) (local.get $cols)))))
                (local.set $d (i32.const 0))
                (block $groupsDone
                  (loop $groupLoop
                    (br_if $groupsDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                    (local.set $keep (v128.const i32x4 -1 -1 -1 -1))
                    (if (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $chBytes))
                      (then
                        (br_if $groupsDone (i32.lt_u (local.get $chBytes) (i32.const 16)))
                        (local.set $o (i32.sub (local.get $d) (i32.sub (local.get $chBytes) (i32.const 16))))
                        (local.set $keep
                          (i32x4.ge_s (v128.const i32x4 0 4 8 12) (i32x4.splat (local.get $o))))
                        (local.set $dyAt (i32.sub (local.get $dyAt) (local.get $o)))
                        (local.set $d (i32.sub (local.get $chBytes) (i32.const 16)))))
                    (local.set $g
                      (v128.and (local.get $keep)
                        (f32x4.mul (v128.load (local.get $dyAt)) (f32x4.splat (local.get $share)))))
                    (local.set $rowAt (i32.add (local.get $first) (local.get $d)))
                    (local.set $r (local.get $rows))
                    (block $addRowsDone
                      (loop $addRows
                        (br_if $addRowsDone (i32.eqz (local.get $r)))
                        (local.set $at (local.get $rowAt))
                        (local.set $c (local.get $cols))
                        (block $addColsDone
                          (loop $addCols
                            (br_if $addColsDone (i32.eqz (local.get $c)))
                            (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at)) (local.get $g)))
                            (local.set $at (i32.add (local.get $at) (local.get $chBytes)))
                            (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                            (br $addCols)))
                        (local.set $rowAt (i32.add (local.get $rowAt) (local.get $rowBytes)))
                        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                        (br $addRows)))
                    (local.set $dyAt (i32.add (local.get $dyAt) (i32.const 16)))
                    (local.set $d (i32.add (local.get $d) (i32.const 16)))
                    (br $groupLoop)))
                ;; under four channels in all: one by one
                (block $tailDone
                  (loop $tailLoop
                    (br_if $tailDone (i32.ge_u (local.get $d) (local.get $chBytes)))
                    (local.set $one (f32.mul (f32.load (local.get $dyAt)) (local.get $share)))
                    (local.set $rowAt (i32.add (local.get $first) (local.get $d)))
                    (local.set $r (local.get $rows))
                    (block $oneRowsDone
                      (loop $oneRows
                        (br_if $oneRowsDone (i32.eqz (local.get $r)))
                        (local.set $at (local.get $rowAt))
                        (local.set $c (local.get $cols))
                        (block $oneColsDone
                          (loop $oneCols
                            (br_if $oneColsDone (i32.eqz (local.get $c)))
                            (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (local.get $one)))
                            (local.set $at (i32.add (local.get $at) (local.get $chBytes)))
                            (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                            (br $oneCols)))
                        (local.set $rowAt (i32.add (local.get $rowAt) (local.get $rowBytes)))
                        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                        (br $oneRows)))
                    (local.set $dyAt (i32.add (local.get $dyAt) (i32.const 4)))
                    (local.set $d (i32.add (local.get $d) (i32.const 4)))
                    (br $tailLoop)))
                (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
                (br $colLoop)))
            (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
            (br $rowLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $batchLoop))))

  ;; out[j] = (Σ_r x[r, j]) / divisor for x of [rows, cols] (row-major): the sum over leading axes (bias
  ;; gradients, per-channel statistics). Rows are added in order, sixteen columns at a time in four
  ;; vector accumulators, then four at a time, then the remaining columns one by one.
  (func (export "columnSums")
    (param $x i32) (param $out i32) (param $rows i32) (param $cols i32) (param $divisor f32)
    (local $rowBytes i32) (local $j i32) (local $p i32) (local $end i32) (local $jBytes i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (local.set $j (i32.const 0))
    ;; sixteen columns at a time
    (block $blocks16Done
      (loop $blocks16
        (br_if $blocks16Done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $cols)))
        (local.set $jBytes (i32.shl (local.get $j) (i32.const 2)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $x) (local.get $jBytes)))
        (block $rows16Done
          (loop $rows16
            (br_if $rows16Done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $a0 (f32x4.add (local.get $a0) (v128.load offset=0 (local.get $p))))
            (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 (local.get $p))))
            (local.set $a2 (f32x4.add (local.get $a2) (v128.load offset=32 (local.get $p))))
            (local.set $a3 (f32x4.add (local.get $a3) (v128.load offset=48 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $rows16)))
        (local.set $p (i32.add (local.get $out) (local.get $jBytes)))
        (v128.store offset=0 (local.get $p) (f32x4.div (local.get $a0) (f32x4.splat (local.get $divisor))))
        (v128.store offset=16 (local.get $p) (f32x4.div (local.get $a1) (f32x4.splat (local.get $divisor))))
        (v128.store offset=32 (local.get $p) (f32x4.div (local.get $a2) (f32x4.splat (local.get $divisor))))
        (v128.store offset=48 (local.get $p) (f32x4.div (local.get $a3) (f32x4.splat (local.get $divisor))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $blocks16)))
    ;; four columns at a time
    (block $blocks4Done
      (loop $blocks4
        (br_if $blocks4Done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols)))
        (local.set $jBytes (i32.shl (local.get $j) (i32.const 2)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $x) (local.get $jBytes)))
        (block $rows4Done
          (loop $rows4
            (br_if $rows4Done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $a0 (f32x4.add (local.get $a0) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $rows4)))
        (v128.store (i32.add (local.get $out) (local.get $jBytes))
          (f32x4.div (local.get $a0) (f32x4.splat (local.get $divisor))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $blocks4)))
    ;; the rest, one column at a time
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $jBytes (i32.shl (local.get $j) (i32.const 2)))
        (local.set $s (f32.const 0))
        (local.set $p (i32.add (local.get $x) (local.get $jBytes)))
        (block $rows1Done
          (loop $rows1
            (br_if $rows1Done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s (f32.add (local.get $s) (f32.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $rows1)))
        (f32.store (i32.add (local.get $out) (local.get $jBytes)) (f32.div (local.get $s) (local.get $divisor)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $ones))))

  ;; out = xᵀ for x of [rows, cols] (row-major) into out of [cols, rows]; x and out must not overlap.
  ;; 4 × 4 blocks are transposed in registers by two rounds of shuffles, in strips of 16 columns: a
  ;; strip's 16 output rows are written front to back while its input rows stream past. The rows past the
  ;; last multiple of 4, then the columns past it, are copied one value at a time.
  (func (export "transpose")
    (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) (local $outRowBytes i32) (local $rows4 i32) (local $cols4 i32)
    (local $j0 i32) (local $jEnd i32) (local $i i32) (local $j i32) (local $src i32) (local $dst i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $outRowBytes (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $j0 (i32.const 0))
    (block $stripsDone
      (loop $strips
        (br_if $stripsDone (i32.ge_u (local.get $j0) (local.get $cols4)))
        (local.set $jEnd (i32.add (local.get $j0) (i32.const 16)))
        (if (i32.gt_u (local.get $jEnd) (local.get $cols4)) (then (local.set $jEnd (local.get $cols4))))
        (local.set $i (i32.const 0))
        (block $bandsDone
          (loop $bands
            (br_if $bandsDone (i32.ge_u (local.get $i) (local.get $rows4)))
            (local.set $j (local.get $j0))
            (block $blocksDone
              (loop $blocks
                (br_if $blocksDone (i32.ge_u (local.get $j) (local.get $jEnd)))
                ;; rows a, b, c, d of the block: four values each
                (local.set $src (i32.add (local.get $x)
                  (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $v0 (v128.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (local.set $v1 (v128.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (local.set $v2 (v128.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                (local.set $v3 (v128.load (local.get $src)))
                ;; a0 b0 a1 b1 | a2 b2 a3 b3 | c0 d0 c1 d1 | c2 d2 c3 d3
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
                  (local.get $v0) (local.get $v1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
                  (local.get $v0) (local.get $v1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
                  (local.get $v2) (local.get $v3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
                  (local.get $v2) (local.get $v3)))
                ;; output rows j … j + 3: a0 b0 c0 d0, a1 b1 c1 d1, a2 b2 c2 d2, a3 b3 c3 d3
                (local.set $dst (i32.add (local.get $out)
                  (i32.add (i32.mul (local.get $j) (local.get $outRowBytes)) (i32.shl (local.get $i) (i32.const 2)))))
                (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (local.get $t0) (local.get $t2)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outRowBytes)))
                (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
                  (local.get $t0) (local.get $t2)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outRowBytes)))
                (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (local.get $t1) (local.get $t3)))
                (local.set $dst (i32.add (local.get $dst) (local.get $outRowBytes)))
                (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
                  (local.get $t1) (local.get $t3)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $blocks)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $bands)))
        (local.set $j0 (local.get $jEnd))
        (br $strips)))
    ;; the rows past rows4, every column
    (local.set $i (local.get $rows4))
    (block $tailRowsDone
      (loop $tailRows
        (br_if $tailRowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $tailRowDone
          (loop $tailRow
            (br_if $tailRowDone (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store
              (i32.add (local.get $out)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (f32.load (i32.add (local.get $x)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tailRow)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tailRows)))
    ;; the columns past cols4, in the rows before rows4
    (local.set $i (i32.const 0))
    (block $tailColsDone
      (loop $tailCols
        (br_if $tailColsDone (i32.ge_u (local.get $i) (local.get $rows4)))
        (local.set $j (local.get $cols4))
        (block $tailColDone
          (loop $tailCol
            (br_if $tailColDone (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store
              (i32.add (local.get $out)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (f32.load (i32.add (local.get $x)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tailCol)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tailCols))))

;; A' = xᵀ for x of [rows, cols] (row-major), packed as the product's panels without xᵀ itself: panel p
  ;; holds columns 4p … 4p + 3 of x as [rows][4] (row r's four values side by side), panels one after
  ;; another; the last panel's columns past `cols` are zeros. The same values in the same places as
  ;; `transpose` of x followed by `transpose` of each 4-row block of xᵀ, in one pass: each step copies
  ;; 16 bytes of a row of x; four panels in turn read the same 64-byte lines.
  (func (export "packColumns")
    (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) (local $full i32) (local $p i32) (local $src i32) (local $end i32)
    (local $dst i32) (local $rest i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $full (i32.shr_u (local.get $cols) (i32.const 2)))
    (local.set $dst (local.get $out))
    (local.set $p (i32.const 0))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $p) (local.get $full)))
        (local.set $src (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 4))))
        (local.set $end (i32.add (local.get $src) (i32.mul (local.get $rows) (local.get $rowBytes))))
        (block $rowsDone
          (loop $rowsLoop
            (br_if $rowsDone (i32.ge_u (local.get $src) (local.get $end)))
            (v128.store (local.get $dst) (v128.load (local.get $src)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
            (br $rowsLoop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $panels)))
    ;; the last 1–3 columns, zeros after them
    (local.set $rest (i32.and (local.get $cols) (i32.const 3)))
    (if (i32.eqz (local.get $rest)) (then (return)))
    (local.set $src (i32.add (local.get $x) (i32.shl (local.get $full) (i32.const 4))))
    (local.set $end (i32.add (local.get $src) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $valuesDone
          (loop $values
            (br_if $valuesDone (i32.ge_u (local.get $j) (local.get $rest)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $values)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
        (br $tail))))

  ;; Conv2DBackpropFilter as a product over pixels: dw[m, o] = Σ_p x[base(p) + offsets[m]] · dy[p, o],
  ;; where m runs over the filter's (row, column, input channel) triples, offsets[m] is the byte offset
  ;; of that tap from the pixel's window corner, and p over dy's pixels (n, y, x) in order, with
  ;; base(p) = x + n·imageBytes + y·rowStepBytes + x·colStepBytes. x must already hold any padding.
  ;; One image at a time (its x and dy stay in cache), tiles of 4 taps × 8 output channels (eight vector
  ;; accumulators, carried over images in dw) sweep the image's pixels. `offsets` holds m rounded up to
  ;; a multiple of 4 entries (the extra ones any valid offset); rows past m are neither read nor
  ;; written. Output channels must be a multiple of 8.
  (func (export "productAtB")
    (param $x i32) (param $dy i32) (param $dw i32) (param $offsets i32) (param $m i32) (param $co i32)
    (param $batch i32) (param $outH i32) (param $outW i32)
    (param $imageBytes i32) (param $rowStepBytes i32) (param $colStepBytes i32)
    (call $productBlock
      (local.get $x) (local.get $dy) (local.get $dw) (local.get $offsets) (local.get $m) (local.get $co)
      (local.get $batch) (local.get $outH) (local.get $outW)
      (local.get $imageBytes) (local.get $rowStepBytes) (local.get $colStepBytes)
      (i32.shl (local.get $co) (i32.const 2))))

  ;; productAtB of a few outputs over many images, in groups: group g sums images [g·per, (g + 1)·per)
  ;; (the last group the images left) into its own copy of the output, `out` + g · m · co · 4, so the
  ;; groups can run on different threads; the caller then adds the copies in order (columnSums). Each
  ;; copy is one productAtB call on its images, the same sums in the same order whoever computes it.
  ;; `remaining` counts the images from the first group on (kernel-pool.ts hands a block of groups its
  ;; first group's count by stepping it back by `per` a group).
  (func (export "productGroups")
    (param $x i32) (param $dy i32) (param $out i32) (param $offsets i32) (param $m i32) (param $co i32)
    (param $groups i32) (param $per i32) (param $remaining i32) (param $outH i32) (param $outW i32)
    (param $imageBytes i32) (param $rowStepBytes i32) (param $colStepBytes i32)
    (local $g i32) (local $images i32)
    (block $groupsDone
      (loop $groupLoop
        (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $groups)))
        (br_if $groupsDone (i32.le_s (local.get $remaining) (i32.const 0)))
        (local.set $images
          (select (local.get $per) (local.get $remaining)
            (i32.lt_s (local.get $per) (local.get $remaining))))
        (call $productBlock
          (local.get $x) (local.get $dy) (local.get $out) (local.get $offsets) (local.get $m) (local.get $co)
          (local.get $images) (local.get $outH) (local.get $outW)
          (local.get $imageBytes) (local.get $rowStepBytes) (local.get $colStepBytes)
          (i32.shl (local.get $co) (i32.const 2)))
        (local.set $x (i32.add (local.get $x) (i32.mul (local.get $per) (local.get $imageBytes))))
        (local.set $dy
          (i32.add (local.get $dy)
            (i32.mul (local.get $per)
              (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (i32.shl (local.get $co) (i32.const 2))))))
        (local.set $out (i32.add (local.get $out) (i32.shl (i32.mul (local.get $m) (local.get $co)) (i32.const 2))))
        (local.set $remaining (i32.sub (local.get $remaining) (local.get $per)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $groupLoop))))

  ;; productAtB on a block of dw: its m rows (from `offsets`) and co columns (from `dy` and `dw`, which
  ;; point at the block's first column) of a product whose dy and dw rows are `rowBytes` apart. Each of
  ;; the block's sums runs over the same pixels in the same order as in the whole product, so a product
  ;; cut into blocks equals the whole bit for bit (kernel-pool.ts shares the blocks among threads).
  ;; Where every tile's four offsets are o, o + 4, o + 8, o + 12 (A' packed in panels of four rows, or
  ;; four adjacent input channels of a conv), $productBlockPanels runs: the same sweep, its four
  ;; broadcasts a pixel read from one address with constant offsets (V8 then spends no additions on
  ;; them: about a tenth faster); the addresses, and so the sums, are the same.
  (func $productBlock (export "productBlock")
    (param $x i32) (param $dy i32) (param $dw i32) (param $offsets i32) (param $m i32) (param $co i32)
    (param $batch i32) (param $outH i32) (param $outW i32)
    (param $imageBytes i32) (param $rowStepBytes i32) (param $colStepBytes i32) (param $rowBytes i32)
    (local $t i32) (local $at i32) (local $o i32)
    (block $general
      (loop $tiles
        (if (i32.ge_u (local.get $t) (local.get $m))
          (then
            (call $productBlockPanels
              (local.get $x) (local.get $dy) (local.get $dw) (local.get $offsets) (local.get $m) (local.get $co)
              (local.get $batch) (local.get $outH) (local.get $outW)
              (local.get $imageBytes) (local.get $rowStepBytes) (local.get $colStepBytes) (local.get $rowBytes))
            (return)))
        (local.set $at (i32.add (local.get $offsets) (i32.shl (local.get $t) (i32.const 2))))
        (local.set $o (i32.load (local.get $at)))
        (br_if $general (i32.ne (i32.load offset=4 (local.get $at)) (i32.add (local.get $o) (i32.const 4))))
        (br_if $general (i32.ne (i32.load offset=8 (local.get $at)) (i32.add (local.get $o) (i32.const 8))))
        (br_if $general (i32.ne (i32.load offset=12 (local.get $at)) (i32.add (local.get $o) (i32.const 12))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $tiles)))
    (call $productBlockGeneral
      (local.get $x) (local.get $dy) (local.get $dw) (local.get $offsets) (local.get $m) (local.get $co)
      (local.get $batch) (local.get $outH) (local.get $outW)
      (local.get $imageBytes) (local.get $rowStepBytes) (local.get $colStepBytes) (local.get $rowBytes)))

  ;; The sweep of any tiles (productBlock); build-simd.mjs makes $productBlockPanels of it.
  ;; @product-block-begin
  (func $productBlockGeneral
    (param $x i32) (param $dy i32) (param $dw i32) (param $offsets i32) (param $m i32) (param $co i32)
    (param $batch i32) (param $outH i32) (param $outW i32)
    (param $imageBytes i32) (param $rowStepBytes i32) (param $colStepBytes i32) (param $rowBytes i32)
    (local $m0 i32) (local $c0 i32) (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $n i32) (local $y i32) (local $xc i32) (local $image i32) (local $row i32) (local $px i32)
    (local $dyAt i32) (local $dyImage i32) (local $dyRowBytes i32) (local $out i32) (local $at i32)
    (local $cb i32) (local $cbEnd i32) (local $cbStep i32)
    (local $seg i32) (local $ys i32) (local $xs i32) (local $ye i32) (local $xe i32) (local $carry i32)
    (local $segX i32) (local $segB i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $dyRowBytes (local.get $rowBytes))
    ;; over 1024 columns, the tiles go a block of 64 columns at a time, each block's rows in turn: the
    ;; block's part of B (256 bytes of each of its rows) stays in cache while they pass, where all of
    ;; B's columns for each tile row brought rows of 4 KB and more through the cache, a line for 32 bytes
    ;; (a conv's input gradient of 256 channels, 2304 columns: 1.2–1.5× faster; a product of 2048
    ;; columns 1.4–1.6×; at 1024 and fewer no faster). Each output's sum runs over k in the same order.
    (local.set $cbStep
      (select (i32.const 64) (local.get $co) (i32.gt_u (local.get $co) (i32.const 1024))))
    (local.set $image (local.get $x))
    (local.set $dyImage (local.get $dy))
    (local.set $n (i32.const 0))
    (block $batchDone
      (loop $batchLoop
        (br_if $batchDone (i32.ge_u (local.get $n) (local.get $batch)))
        (local.set $cb (i32.const 0))
        (block $blocksDone
          (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $cb) (local.get $co)))
        (local.set $cbEnd (i32.add (local.get $cb) (local.get $cbStep)))
        (if (i32.gt_u (local.get $cbEnd) (local.get $co)) (then (local.set $cbEnd (local.get $co))))
        ;; k in segments of at most 512 KB of the block's B, each a sweep of every tile that carries on
        ;; from the sums so far: a segment of B stays in L2 while all the tiles pass, where a sweep of
        ;; all of k brought B through from L3 for every 4 rows (one thread, a 3 × 3 conv of 256
        ;; channels, k = 2304 over B's 1 KB rows: 1.8–2.4× faster; of 512 channels 1.9–3.5×; 256 to
        ;; 768 KB segments alike within the noise, 128 KB slower). A segment is a piece of one row of the
        ;; chunk (rows of `seg` k and more) or whole rows; each output's sum still runs over k in the
        ;; same order. B's block is 4 KB a k at most (cbStep), so seg ≥ 128: directMatMul's chunks of
        ;; k (≤ 128) are never cut.
        (local.set $seg
          (i32.div_u (i32.const 524288) (i32.shl (i32.sub (local.get $cbEnd) (local.get $cb)) (i32.const 2))))
        (local.set $ys (i32.const 0))
        (local.set $xs (i32.const 0))
        (loop $segments
        (if (i32.and (i32.ge_u (local.get $outW) (local.get $seg)) (i32.gt_u (local.get $outH) (i32.const 0)))
          (then
            (local.set $ye (i32.add (local.get $ys) (i32.const 1)))
            (local.set $xe (i32.add (local.get $xs) (local.get $seg)))
            (if (i32.gt_u (local.get $xe) (local.get $outW)) (then (local.set $xe (local.get $outW)))))
          (else
            (local.set $ye (local.get $outH))
            (local.set $xe (local.get $outW))
            (if (i32.gt_u (local.get $outW) (i32.const 0))
              (then
                (local.set $ye
                  (i32.add (local.get $ys) (i32.div_u (local.get $seg) (local.get $outW))))
                (if (i32.gt_u (local.get $ye) (local.get $outH)) (then (local.set $ye (local.get $outH))))))))
        (local.set $carry
          (i32.or (i32.gt_u (local.get $n) (i32.const 0))
            (i32.or (i32.gt_u (local.get $ys) (i32.const 0)) (i32.gt_u (local.get $xs) (i32.const 0)))))
        (local.set $segX
          (i32.add (local.get $image)
            (i32.add (i32.mul (local.get $ys) (local.get $rowStepBytes))
              (i32.mul (local.get $xs) (local.get $colStepBytes)))))
        (local.set $segB
          (i32.add (local.get $dyImage)
            (i32.mul (i32.add (i32.mul (local.get $ys) (local.get $outW)) (local.get $xs)) (local.get $dyRowBytes))))
        (local.set $m0 (i32.const 0))
        (block $tapsDone
          (loop $taps
            (br_if $tapsDone (i32.ge_u (local.get $m0) (local.get $m)))
            (local.set $at (i32.add (local.get $offsets) (i32.shl (local.get $m0) (i32.const 2))))
            (local.set $o0 (i32.load offset=0 (local.get $at)))
            (local.set $o1 (i32.load offset=4 (local.get $at)))
            (local.set $o2 (i32.load offset=8 (local.get $at)))
            (local.set $o3 (i32.load offset=12 (local.get $at)))
            (local.set $c0 (local.get $cb))
            (block $channelsDone
              (loop $channels
                (br_if $channelsDone (i32.ge_u (local.get $c0) (local.get $cbEnd)))
                (local.set $out
                  (i32.add (local.get $dw)
                    (i32.add (i32.mul (local.get $m0) (local.get $dyRowBytes)) (i32.shl (local.get $c0) (i32.const 2)))))
                (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
                (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
                (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
                (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
                ;; after the first image or segment, carry on from the sums so far
                (if (local.get $carry)
                  (then
                    (local.set $at (local.get $out))
                    (local.set $c00 (v128.load offset=0 (local.get $at)))
                    (local.set $c01 (v128.load offset=16 (local.get $at)))
                    (if (i32.lt_u (i32.add (local.get $m0) (i32.const 1)) (local.get $m))
                      (then
                        (local.set $at (i32.add (local.get $at) (local.get $dyRowBytes)))
                        (local.set $c10 (v128.load offset=0 (local.get $at)))
                        (local.set $c11 (v128.load offset=16 (local.get $at)))))
                    (if (i32.lt_u (i32.add (local.get $m0) (i32.const 2)) (local.get $m))
                      (then
                        (local.set $at (i32.add (local.get $at) (local.get $dyRowBytes)))
                        (local.set $c20 (v128.load offset=0 (local.get $at)))
                        (local.set $c21 (v128.load offset=16 (local.get $at)))))
                    (if (i32.lt_u (i32.add (local.get $m0) (i32.const 3)) (local.get $m))
                      (then
                        (local.set $at (i32.add (local.get $at) (local.get $dyRowBytes)))
                        (local.set $c30 (v128.load offset=0 (local.get $at)))
                        (local.set $c31 (v128.load offset=16 (local.get $at)))))))
                (local.set $dyAt (i32.add (local.get $segB) (i32.shl (local.get $c0) (i32.const 2))))
                (local.set $row (local.get $segX))
                (local.set $y (local.get $ys))
                (block $rowsDone
                  (loop $rows
                    (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $ye)))
                    (local.set $px (local.get $row))
                    (local.set $xc (local.get $xs))
                    (block $colsDone
                      (loop $cols
                        (br_if $colsDone (i32.ge_u (local.get $xc) (local.get $xe)))
                        (local.set $b0 (v128.load offset=0 (local.get $dyAt)))
                        (local.set $b1 (v128.load offset=16 (local.get $dyAt)))
                        (local.set $a (v128.load32_splat (i32.add (local.get $px) (local.get $o0))))
                        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
                        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
                        (local.set $a (v128.load32_splat (i32.add (local.get $px) (local.get $o1))))
                        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
                        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
                        (local.set $a (v128.load32_splat (i32.add (local.get $px) (local.get $o2))))
                        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
                        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
                        (local.set $a (v128.load32_splat (i32.add (local.get $px) (local.get $o3))))
                        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
                        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
                        (local.set $dyAt (i32.add (local.get $dyAt) (local.get $dyRowBytes)))
                        (local.set $px (i32.add (local.get $px) (local.get $colStepBytes)))
                        (local.set $xc (i32.add (local.get $xc) (i32.const 1)))
                        (br $cols)))
                    (local.set $row (i32.add (local.get $row) (local.get $rowStepBytes)))
                    (local.set $y (i32.add (local.get $y) (i32.const 1)))
                    (br $rows)))
                ;; write the tile's rows that exist
                (v128.store offset=0 (local.get $out) (local.get $c00))
                (v128.store offset=16 (local.get $out) (local.get $c01))
                (if (i32.lt_u (i32.add (local.get $m0) (i32.const 1)) (local.get $m))
                  (then
                    (local.set $out (i32.add (local.get $out) (local.get $dyRowBytes)))
                    (v128.store offset=0 (local.get $out) (local.get $c10))
                    (v128.store offset=16 (local.get $out) (local.get $c11))))
                (if (i32.lt_u (i32.add (local.get $m0) (i32.const 2)) (local.get $m))
                  (then
                    (local.set $out (i32.add (local.get $out) (local.get $dyRowBytes)))
                    (v128.store offset=0 (local.get $out) (local.get $c20))
                    (v128.store offset=16 (local.get $out) (local.get $c21))))
                (if (i32.lt_u (i32.add (local.get $m0) (i32.const 3)) (local.get $m))
                  (then
                    (local.set $out (i32.add (local.get $out) (local.get $dyRowBytes)))
                    (v128.store offset=0 (local.get $out) (local.get $c30))
                    (v128.store offset=16 (local.get $out) (local.get $c31))))
                (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
                (br $channels)))
            (local.set $m0 (i32.add (local.get $m0) (i32.const 4)))
            (br $taps)))
        ;; the next segment: the rest of this row, or the rows after
        (if (i32.lt_u (local.get $xe) (local.get $outW))
          (then (local.set $xs (local.get $xe)))
          (else
            (local.set $xs (i32.const 0))
            (local.set $ys (local.get $ye))))
        (br_if $segments (i32.lt_u (local.get $ys) (local.get $outH))))
        (local.set $cb (local.get $cbEnd))
        (br $blocks)))
        (local.set $image (i32.add (local.get $image) (local.get $imageBytes)))
        (local.set $dyImage
          (i32.add (local.get $dyImage)
            (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (local.get $dyRowBytes))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $batchLoop))))
  ;; @product-block-end

  ;; Adam's update of one variable, element by element: with c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ,
  ;;   m' = m·β₁ + g·(1 − β₁),   v' = v·β₂ + (g·g)·(1 − β₂),   w' = ((m'/c₁) / (√(v'/c₂) + ε))·(−η) + w
  ;; tfjs's AdamOptimizer's operations in its order, each rounded to float32 as its kernels round them,
  ;; in one pass instead of fourteen. An output may be its input (an update in place: each value is read
  ;; before it is written); otherwise outputs must not overlap inputs. Four values at a time, then the
  ;; rest one by one.
  (func (export "adamUpdate")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32)
    (param $wOut i32) (param $mOut i32) (param $vOut i32) (param $count i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $c1 f32) (param $c2 f32) (param $epsilon f32) (param $negRate f32)
    (local $i i32) (local $end i32) (local $end4 i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $b1 v128) (local $k1 v128) (local $b2 v128) (local $k2 v128)
    (local $d1 v128) (local $d2 v128) (local $e v128) (local $r v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $k1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $k2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $d1 (f32x4.splat (local.get $c1)))
    (local.set $d2 (f32x4.splat (local.get $c2)))
    (local.set $e (f32x4.splat (local.get $epsilon)))
    (local.set $r (f32x4.splat (local.get $negRate)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
            (f32x4.mul (local.get $gv) (local.get $k1))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $k2))))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $d1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $d2))) (local.get $e)))
              (local.get $r))
            (v128.load (i32.add (local.get $w) (local.get $i)))))
        (v128.store (i32.add (local.get $mOut) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vv))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $beta1))
            (f32.mul (local.get $gs) (local.get $oneMinusBeta1))))
        (local.set $vs
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $beta2))
            (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $oneMinusBeta2))))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $epsilon)))
              (local.get $negRate))
            (f32.load (i32.add (local.get $w) (local.get $i)))))
        (f32.store (i32.add (local.get $mOut) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vs))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; Momentum's update of one variable, element by element (η the learning rate, μ the momentum):
  ;;   a' = μ·a + g;   w' = (−η)·a' + w,   or with Nesterov's look-ahead   w' = (−η)·(g + a'·μ) + w
  ;; tfjs's MomentumOptimizer's operations in its order, each rounded to float32 as its kernels round
  ;; them, in one pass instead of four (six with Nesterov). Outputs must not overlap inputs. Four values
  ;; at a time, then the rest one by one.
  (func (export "momentumUpdate")
    (param $w i32) (param $g i32) (param $a i32) (param $wOut i32) (param $aOut i32) (param $count i32)
    (param $momentum f32) (param $negRate f32) (param $nesterov i32)
    (local $i i32) (local $end i32) (local $end4 i32)
    (local $gv v128) (local $av v128) (local $mu v128) (local $r v128) (local $step v128)
    (local $gs f32) (local $as f32) (local $ss f32)
    (local.set $mu (f32x4.splat (local.get $momentum)))
    (local.set $r (f32x4.splat (local.get $negRate)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $av
          (f32x4.add
            (f32x4.mul (local.get $mu) (v128.load (i32.add (local.get $a) (local.get $i))))
            (local.get $gv)))
        (local.set $step
          (select (result v128)
            (f32x4.add (local.get $gv) (f32x4.mul (local.get $av) (local.get $mu)))
            (local.get $av)
            (local.get $nesterov)))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.add
            (f32x4.mul (local.get $r) (local.get $step))
            (v128.load (i32.add (local.get $w) (local.get $i)))))
        (v128.store (i32.add (local.get $aOut) (local.get $i)) (local.get $av))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $as
          (f32.add
            (f32.mul (local.get $momentum) (f32.load (i32.add (local.get $a) (local.get $i))))
            (local.get $gs)))
        (local.set $ss
          (select (result f32)
            (f32.add (local.get $gs) (f32.mul (local.get $as) (local.get $momentum)))
            (local.get $as)
            (local.get $nesterov)))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.add
            (f32.mul (local.get $negRate) (local.get $ss))
            (f32.load (i32.add (local.get $w) (local.get $i)))))
        (f32.store (i32.add (local.get $aOut) (local.get $i)) (local.get $as))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; Add with a bias along the last axis: out[r, c] = x[r, c] + bias[c] for `rows` rows of `cols`
  ;; values, one float32 addition each (tfjs's Add of a [..., cols] tensor and a [cols] one, which its
  ;; wasm kernel broadcasts element by element). Where `relu` is 1, each sum y then goes through ReLU in
  ;; the same pass: y where y > 0 or y is NaN, +0 elsewhere (so −0 gives +0 as XNNPACK's relu does,
  ;; and a NaN stays NaN as on tfjs's cpu backend). Four columns at a time, then the rest of the row one
  ;; by one. `out` may be `x`.
  (func (export "biasAdd")
    (param $x i32) (param $bias i32) (param $out i32) (param $rows i32) (param $cols i32)
    (param $relu i32)
    (local $r i32) (local $j i32) (local $rowBytes i32) (local $rowEnd4 i32) (local $xRow i32)
    (local $outRow i32) (local $y v128) (local $ys f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $rowEnd4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $xRow (local.get $x))
    (local.set $outRow (local.get $out))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.ge_u (local.get $j) (local.get $rowEnd4)))
            (local.set $y
              (f32x4.add
                (v128.load (i32.add (local.get $xRow) (local.get $j)))
                (v128.load (i32.add (local.get $bias) (local.get $j)))))
            (if (local.get $relu)
              (then
                (local.set $y
                  (v128.and (local.get $y)
                    (v128.or
                      (f32x4.gt (local.get $y) (v128.const f32x4 0 0 0 0))
                      (f32x4.ne (local.get $y) (local.get $y)))))))
            (v128.store (i32.add (local.get $outRow) (local.get $j)) (local.get $y))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vectors)))
        (block $onesDone
          (loop $ones
            (br_if $onesDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (local.set $ys
              (f32.add
                (f32.load (i32.add (local.get $xRow) (local.get $j)))
                (f32.load (i32.add (local.get $bias) (local.get $j)))))
            (if (local.get $relu)
              (then
                (local.set $ys
                  (select (result f32)
                    (local.get $ys)
                    (f32.const 0)
                    (i32.or
                      (f32.gt (local.get $ys) (f32.const 0))
                      (f32.ne (local.get $ys) (local.get $ys)))))))
            (f32.store (i32.add (local.get $outRow) (local.get $j)) (local.get $ys))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $ones)))
        (local.set $xRow (i32.add (local.get $xRow) (local.get $rowBytes)))
        (local.set $outRow (i32.add (local.get $outRow) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; ReLU's gradient: out = dy · s with s = step(x) = 1 where x > 0, NaN where x is NaN, 0 elsewhere —
  ;; tfjs's mul(dy, cast(step(x), 'float32')), one float32 product each (so dy = ±∞ or NaN against
  ;; s = 0 gives NaN, and a negative dy against s = 0 gives −0, as there), in one pass instead of
  ;; three. Four values at a time, then the rest one by one. `out` may be `dy`.
  (func (export "reluGrad")
    (param $dy i32) (param $x i32) (param $out i32) (param $count i32)
    (local $i i32) (local $end i32) (local $end4 i32) (local $xv v128) (local $sv v128) (local $xs f32)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $sv
          (v128.and
            (f32x4.gt (local.get $xv) (v128.const f32x4 0 0 0 0))
            (v128.const f32x4 1 1 1 1)))
        ;; x itself (a NaN) where x is NaN
        (local.set $sv
          (v128.bitselect (local.get $xv) (local.get $sv) (f32x4.ne (local.get $xv) (local.get $xv))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $i))) (local.get $sv)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $xs (f32.load (i32.add (local.get $x) (local.get $i))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.mul
            (f32.load (i32.add (local.get $dy) (local.get $i)))
            (select (result f32)
              (local.get $xs)
              (select (result f32) (f32.const 1) (f32.const 0) (f32.gt (local.get $xs) (f32.const 0)))
              (f32.ne (local.get $xs) (local.get $xs)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; ReLU's gradient with its column sums: out = dy · step(x) as `reluGrad` computes it, over rows of
  ;; `cols` values in groups of `per` rows (the last group the rows left of `remaining`), and for each
  ;; group the sum of its rows of out, column by column, rows added in order from +0, into its own row
  ;; of `sums` (`cols` values a group). A layer's bias gradient is the sum of those rows, in order
  ;; (columnSums); the groups can run on different threads. Four columns at a time, then the rest.
  (func (export "reluGradSums")
    (param $dy i32) (param $x i32) (param $out i32) (param $sums i32)
    (param $groups i32) (param $per i32) (param $remaining i32) (param $cols i32)
    (local $g i32) (local $r i32) (local $rows i32) (local $j i32) (local $rowBytes i32) (local $vecBytes i32)
    (local $xv v128) (local $sv v128) (local $zv v128) (local $xs f32) (local $zs f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (block $groupsDone
      (loop $groupLoop
        (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $groups)))
        (br_if $groupsDone (i32.le_s (local.get $remaining) (i32.const 0)))
        (local.set $rows
          (select (local.get $per) (local.get $remaining) (i32.lt_s (local.get $per) (local.get $remaining))))
        (memory.fill (local.get $sums) (i32.const 0) (local.get $rowBytes))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $j (i32.const 0))
            (block $vectorsDone
              (loop $vectors
                (br_if $vectorsDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
                (local.set $xv (v128.load (i32.add (local.get $x) (local.get $j))))
                (local.set $sv
                  (v128.and (f32x4.gt (local.get $xv) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))
                (local.set $sv
                  (v128.bitselect (local.get $xv) (local.get $sv) (f32x4.ne (local.get $xv) (local.get $xv))))
                (local.set $zv (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $j))) (local.get $sv)))
                (v128.store (i32.add (local.get $out) (local.get $j)) (local.get $zv))
                (v128.store (i32.add (local.get $sums) (local.get $j))
                  (f32x4.add (v128.load (i32.add (local.get $sums) (local.get $j))) (local.get $zv)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $vectors)))
            (block $onesDone
              (loop $ones
                (br_if $onesDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (local.set $xs (f32.load (i32.add (local.get $x) (local.get $j))))
                (local.set $zs
                  (f32.mul
                    (f32.load (i32.add (local.get $dy) (local.get $j)))
                    (select (result f32)
                      (local.get $xs)
                      (select (result f32) (f32.const 1) (f32.const 0) (f32.gt (local.get $xs) (f32.const 0)))
                      (f32.ne (local.get $xs) (local.get $xs)))))
                (f32.store (i32.add (local.get $out) (local.get $j)) (local.get $zs))
                (f32.store (i32.add (local.get $sums) (local.get $j))
                  (f32.add (f32.load (i32.add (local.get $sums) (local.get $j))) (local.get $zs)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $ones)))
            (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
            (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
            (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rowLoop)))
        (local.set $sums (i32.add (local.get $sums) (local.get $rowBytes)))
        (local.set $remaining (i32.sub (local.get $remaining) (local.get $per)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $groupLoop))))

  ;; Plain SGD's update of one variable (η the learning rate): w' = (−η)·g + w, tfjs's SGDOptimizer's
  ;; add(mul(c, g), w) with c = −η, each step rounded to float32 as its kernels round them, in one pass
  ;; instead of two. `wOut` must not overlap `g` unless it is `g`; it may be `w`. Four values at a time,
  ;; then the rest one by one.
  (func (export "sgdUpdate")
    (param $w i32) (param $g i32) (param $wOut i32) (param $count i32) (param $negRate f32)
    (local $i i32) (local $end i32) (local $end4 i32) (local $r v128)
    (local.set $r (f32x4.splat (local.get $negRate)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.add
            (f32x4.mul (local.get $r) (v128.load (i32.add (local.get $g) (local.get $i))))
            (v128.load (i32.add (local.get $w) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.add
            (f32.mul (local.get $negRate) (f32.load (i32.add (local.get $g) (local.get $i))))
            (f32.load (i32.add (local.get $w) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; RMSProp's update of one variable, element by element (η the learning rate, ρ the decay, μ the
  ;; momentum): with s the mean square and a the moment,
  ;;   s' = s·ρ + (g·g)·(1 − ρ),   a' = a·μ + (g·η) / √(s' + ε),   w' = w − a'
  ;; tfjs's RMSPropOptimizer's operations (not centered) in its order, each rounded to float32 as its
  ;; kernels round them, in one pass instead of eleven. Every input value is read before its outputs
  ;; are written, so an output may be its input; otherwise outputs must not overlap inputs. Four values
  ;; at a time, then the rest one by one.
  (func (export "rmspropUpdate")
    (param $w i32) (param $g i32) (param $s i32) (param $a i32)
    (param $wOut i32) (param $sOut i32) (param $aOut i32) (param $count i32)
    (param $decay f32) (param $oneMinusDecay f32) (param $momentum f32) (param $epsilon f32) (param $rate f32)
    (local $i i32) (local $end i32) (local $end4 i32)
    (local $gv v128) (local $sv v128) (local $av v128)
    (local $rho v128) (local $k v128) (local $mu v128) (local $e v128) (local $r v128)
    (local $gs f32) (local $ss f32) (local $as f32)
    (local.set $rho (f32x4.splat (local.get $decay)))
    (local.set $k (f32x4.splat (local.get $oneMinusDecay)))
    (local.set $mu (f32x4.splat (local.get $momentum)))
    (local.set $e (f32x4.splat (local.get $epsilon)))
    (local.set $r (f32x4.splat (local.get $rate)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $sv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $i))) (local.get $rho))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $k))))
        (local.set $av
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $i))) (local.get $mu))
            (f32x4.div
              (f32x4.mul (local.get $gv) (local.get $r))
              (f32x4.sqrt (f32x4.add (local.get $sv) (local.get $e))))))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $av)))
        (v128.store (i32.add (local.get $sOut) (local.get $i)) (local.get $sv))
        (v128.store (i32.add (local.get $aOut) (local.get $i)) (local.get $av))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ss
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $s) (local.get $i))) (local.get $decay))
            (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $oneMinusDecay))))
        (local.set $as
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $a) (local.get $i))) (local.get $momentum))
            (f32.div
              (f32.mul (local.get $gs) (local.get $rate))
              (f32.sqrt (f32.add (local.get $ss) (local.get $epsilon))))))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i))) (local.get $as)))
        (f32.store (i32.add (local.get $sOut) (local.get $i)) (local.get $ss))
        (f32.store (i32.add (local.get $aOut) (local.get $i)) (local.get $as))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; Centered RMSProp's update of one variable: rmspropUpdate's, with ḡ the mean gradient,
  ;;   s' = s·ρ + (g·g)·(1 − ρ),   ḡ' = ḡ·ρ + g·(1 − ρ),   a' = a·μ + (g·η) / √(s' − (ḡ'·ḡ' + ε)),
  ;;   w' = w − a'
  ;; tfjs's RMSPropOptimizer's operations when centered, in its order, each rounded to float32 as its
  ;; kernels round them, in one pass instead of sixteen. Outputs as rmspropUpdate's.
  (func (export "centeredRmspropUpdate")
    (param $w i32) (param $g i32) (param $s i32) (param $a i32) (param $mg i32)
    (param $wOut i32) (param $sOut i32) (param $aOut i32) (param $mgOut i32) (param $count i32)
    (param $decay f32) (param $oneMinusDecay f32) (param $momentum f32) (param $epsilon f32) (param $rate f32)
    (local $i i32) (local $end i32) (local $end4 i32)
    (local $gv v128) (local $sv v128) (local $av v128) (local $mv v128)
    (local $rho v128) (local $k v128) (local $mu v128) (local $e v128) (local $r v128)
    (local $gs f32) (local $ss f32) (local $as f32) (local $ms f32)
    (local.set $rho (f32x4.splat (local.get $decay)))
    (local.set $k (f32x4.splat (local.get $oneMinusDecay)))
    (local.set $mu (f32x4.splat (local.get $momentum)))
    (local.set $e (f32x4.splat (local.get $epsilon)))
    (local.set $r (f32x4.splat (local.get $rate)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $sv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $i))) (local.get $rho))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $k))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $mg) (local.get $i))) (local.get $rho))
            (f32x4.mul (local.get $gv) (local.get $k))))
        (local.set $av
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $i))) (local.get $mu))
            (f32x4.div
              (f32x4.mul (local.get $gv) (local.get $r))
              (f32x4.sqrt
                (f32x4.sub
                  (local.get $sv)
                  (f32x4.add (f32x4.mul (local.get $mv) (local.get $mv)) (local.get $e)))))))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $av)))
        (v128.store (i32.add (local.get $sOut) (local.get $i)) (local.get $sv))
        (v128.store (i32.add (local.get $aOut) (local.get $i)) (local.get $av))
        (v128.store (i32.add (local.get $mgOut) (local.get $i)) (local.get $mv))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ss
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $s) (local.get $i))) (local.get $decay))
            (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $oneMinusDecay))))
        (local.set $ms
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $mg) (local.get $i))) (local.get $decay))
            (f32.mul (local.get $gs) (local.get $oneMinusDecay))))
        (local.set $as
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $a) (local.get $i))) (local.get $momentum))
            (f32.div
              (f32.mul (local.get $gs) (local.get $rate))
              (f32.sqrt
                (f32.sub
                  (local.get $ss)
                  (f32.add (f32.mul (local.get $ms) (local.get $ms)) (local.get $epsilon)))))))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i))) (local.get $as)))
        (f32.store (i32.add (local.get $sOut) (local.get $i)) (local.get $ss))
        (f32.store (i32.add (local.get $aOut) (local.get $i)) (local.get $as))
        (f32.store (i32.add (local.get $mgOut) (local.get $i)) (local.get $ms))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; Adagrad's update of one variable, element by element (η the learning rate, c the accumulator):
  ;;   c' = c + g·g,   w' = (g / √(c' + ε))·(−η) + w
  ;; tfjs's AdagradOptimizer's operations in its order, each rounded to float32 as its kernels round
  ;; them, in one pass instead of seven. Outputs as rmspropUpdate's.
  (func (export "adagradUpdate")
    (param $w i32) (param $g i32) (param $c i32) (param $wOut i32) (param $cOut i32) (param $count i32)
    (param $epsilon f32) (param $negRate f32)
    (local $i i32) (local $end i32) (local $end4 i32)
    (local $gv v128) (local $cv v128) (local $e v128) (local $r v128)
    (local $gs f32) (local $cs f32)
    (local.set $e (f32x4.splat (local.get $epsilon)))
    (local.set $r (f32x4.splat (local.get $negRate)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $cv
          (f32x4.add
            (v128.load (i32.add (local.get $c) (local.get $i)))
            (f32x4.mul (local.get $gv) (local.get $gv))))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div (local.get $gv) (f32x4.sqrt (f32x4.add (local.get $cv) (local.get $e))))
              (local.get $r))
            (v128.load (i32.add (local.get $w) (local.get $i)))))
        (v128.store (i32.add (local.get $cOut) (local.get $i)) (local.get $cv))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $cs
          (f32.add
            (f32.load (i32.add (local.get $c) (local.get $i)))
            (f32.mul (local.get $gs) (local.get $gs))))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div (local.get $gs) (f32.sqrt (f32.add (local.get $cs) (local.get $epsilon))))
              (local.get $negRate))
            (f32.load (i32.add (local.get $w) (local.get $i)))))
        (f32.store (i32.add (local.get $cOut) (local.get $i)) (local.get $cs))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; The float32 arithmetic of tfjs's `Add`, `Sub`, `Multiply` and `RealDiv` (`op` 0, 1, 2, 3):
  ;; out = a op b over `count` values, where an operand with its `…Scalar` flag set is one value taken
  ;; for every position (its pointer never advances). One IEEE operation a value, as XNNPACK computes
  ;; it. Four values at a time, then the rest one by one. `out` may be a non-scalar operand.
  (func (export "binaryOp")
    (param $a i32) (param $b i32) (param $out i32) (param $count i32) (param $op i32)
    (param $aScalar i32) (param $bScalar i32)
    (local $i i32) (local $end i32) (local $end4 i32) (local $va v128) (local $vb v128)
    (local $sa f32) (local $sb f32)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $va
          (if (result v128) (local.get $aScalar)
            (then (v128.load32_splat (local.get $a)))
            (else (v128.load (i32.add (local.get $a) (local.get $i))))))
        (local.set $vb
          (if (result v128) (local.get $bScalar)
            (then (v128.load32_splat (local.get $b)))
            (else (v128.load (i32.add (local.get $b) (local.get $i))))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (if (result v128) (i32.eqz (local.get $op))
            (then (f32x4.add (local.get $va) (local.get $vb)))
            (else (if (result v128) (i32.eq (local.get $op) (i32.const 1))
              (then (f32x4.sub (local.get $va) (local.get $vb)))
              (else (if (result v128) (i32.eq (local.get $op) (i32.const 2))
                (then (f32x4.mul (local.get $va) (local.get $vb)))
                (else (f32x4.div (local.get $va) (local.get $vb)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $sa
          (f32.load (i32.add (local.get $a) (select (i32.const 0) (local.get $i) (local.get $aScalar)))))
        (local.set $sb
          (f32.load (i32.add (local.get $b) (select (i32.const 0) (local.get $i) (local.get $bScalar)))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (if (result f32) (i32.eqz (local.get $op))
            (then (f32.add (local.get $sa) (local.get $sb)))
            (else (if (result f32) (i32.eq (local.get $op) (i32.const 1))
              (then (f32.sub (local.get $sa) (local.get $sb)))
              (else (if (result f32) (i32.eq (local.get $op) (i32.const 2))
                (then (f32.mul (local.get $sa) (local.get $sb)))
                (else (f32.div (local.get $sa) (local.get $sb)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ones))))

  ;; The first `rowBytes` bytes (float32s) of each of `rows` rows `srcStride` bytes apart at `src`, to
  ;; rows `rowBytes` apart at `dst`: a product's output computed on more columns than it has (padded to
  ;; its tile) made its own shape. Four values at a time, then one by one; the rows must not overlap.
  (func (export "copyRows")
    (param $src i32) (param $dst i32) (param $rows i32) (param $rowBytes i32) (param $srcStride i32)
    (local $r i32) (local $j i32) (local $end4 i32)
    (local.set $end4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.ge_u (local.get $j) (local.get $end4)))
            (v128.store (i32.add (local.get $dst) (local.get $j))
              (v128.load (i32.add (local.get $src) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vectors)))
        (block $onesDone
          (loop $ones
            (br_if $onesDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (i32.store (i32.add (local.get $dst) (local.get $j))
              (i32.load (i32.add (local.get $src) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $ones)))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $dst (i32.add (local.get $dst) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; dst[i] += src[i] for the `bytes` bytes at both (float32s): four at a time, then one by one.
  (func $addInto (param $dst i32) (param $src i32) (param $bytes i32)
    (local $j i32) (local $end4 i32)
    (local.set $end4 (i32.and (local.get $bytes) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $j) (local.get $end4)))
        (v128.store (i32.add (local.get $dst) (local.get $j))
          (f32x4.add
            (v128.load (i32.add (local.get $dst) (local.get $j)))
            (v128.load (i32.add (local.get $src) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $vectors)))
    (block $onesDone
      (loop $ones
        (br_if $onesDone (i32.ge_u (local.get $j) (local.get $bytes)))
        (f32.store (i32.add (local.get $dst) (local.get $j))
          (f32.add
            (f32.load (i32.add (local.get $dst) (local.get $j)))
            (f32.load (i32.add (local.get $src) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $ones))))

  ;; The gradient of a convolution's input from its columns, summed back into the image (col2im):
  ;; `cols` holds, per output pixel (n, oy, ox) in row-major order, `colsPixelBytes` bytes: per tap
  ;; (ky, kx), `channels` values (the product dy · Wᵀ), then whatever pads the pixel's columns to a
  ;; multiple of 8 (never read); each value goes to dx[n, oy·sh + ky·dh − top, ox·sw + kx·dw − left, :]
  ;; where that lies in the image. dx (of `images` images) is zeroed first, then summed pixel by pixel:
  ;; one float32 addition a value, and no pixel adds twice to one value of dx, so every value of dx is
  ;; its pixels' columns summed in pixel order. Without a dilated width a filter row's taps inside the
  ;; image land side by side in dx as they lie in cols: one run of kw · channels values (clipped at the
  ;; image's edges) a filter row, where a tap at a time cost more than the adding for few channels (an
  ;; image's 1 or 3); a dilated width goes a tap at a time.
  (func $col2im (export "col2im")
    (param $cols i32) (param $dx i32) (param $images i32) (param $inHeight i32) (param $inWidth i32)
    (param $channels i32) (param $outHeight i32) (param $outWidth i32) (param $filterHeight i32)
    (param $filterWidth i32) (param $strideH i32) (param $strideW i32) (param $dilationH i32)
    (param $dilationW i32) (param $padTop i32) (param $padLeft i32) (param $colsPixelBytes i32)
    (local $pixelBytes i32) (local $rowBytes i32) (local $imageBytes i32) (local $image i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32)
    (local $ix i32) (local $x0 i32) (local $kxEnd i32) (local $src i32) (local $pixelCols i32)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $filterWidth) (local.get $pixelBytes)))
    (local.set $imageBytes
      (i32.mul (i32.mul (local.get $inHeight) (local.get $inWidth)) (local.get $pixelBytes)))
    (memory.fill (local.get $dx) (i32.const 0) (i32.mul (local.get $images) (local.get $imageBytes)))
    (local.set $pixelCols (local.get $cols))
    (local.set $image (local.get $dx))
    (block $imageLoopDone
      (loop $imageLoop
        (br_if $imageLoopDone (i32.ge_u (local.get $n) (local.get $images)))
        (local.set $oy (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $outHeight)))
            (local.set $ox (i32.const 0))
            (block $pixelsDone
              (loop $pixels
                (br_if $pixelsDone (i32.ge_u (local.get $ox) (local.get $outWidth)))
                ;; the pixel's window's first column in dx (negative where it starts left of the image)
                (local.set $x0
                  (i32.sub (i32.mul (local.get $ox) (local.get $strideW)) (local.get $padLeft)))
                (local.set $src (local.get $pixelCols))
                (local.set $ky (i32.const 0))
                (block $tapRowsDone
                  (loop $tapRows
                    (br_if $tapRowsDone (i32.ge_u (local.get $ky) (local.get $filterHeight)))
                    (local.set $iy
                      (i32.sub
                        (i32.add
                          (i32.mul (local.get $oy) (local.get $strideH))
                          (i32.mul (local.get $ky) (local.get $dilationH)))
                        (local.get $padTop)))
                    ;; unsigned: a negative row or column is out of the image too
                    (if (i32.lt_u (local.get $iy) (local.get $inHeight))
                      (then
                        (if (i32.eq (local.get $dilationW) (i32.const 1))
                          (then
                            ;; the taps kx from $kx to $kxEnd lie inside the image, side by side
                            (local.set $kx
                              (select (i32.sub (i32.const 0) (local.get $x0)) (i32.const 0)
                                (i32.lt_s (local.get $x0) (i32.const 0))))
                            (local.set $kxEnd (i32.sub (local.get $inWidth) (local.get $x0)))
                            (if (i32.gt_s (local.get $kxEnd) (local.get $filterWidth))
                              (then (local.set $kxEnd (local.get $filterWidth))))
                            (if (i32.gt_s (local.get $kxEnd) (local.get $kx))
                              (then
                                (call $addInto
                                  (i32.add (local.get $image)
                                    (i32.mul
                                      (i32.add (i32.mul (local.get $iy) (local.get $inWidth))
                                        (i32.add (local.get $x0) (local.get $kx)))
                                      (local.get $pixelBytes)))
                                  (i32.add (local.get $src) (i32.mul (local.get $kx) (local.get $pixelBytes)))
                                  (i32.mul (i32.sub (local.get $kxEnd) (local.get $kx)) (local.get $pixelBytes))))))
                          (else
                            (local.set $kx (i32.const 0))
                            (block $tapsDone
                              (loop $taps
                                (br_if $tapsDone (i32.ge_u (local.get $kx) (local.get $filterWidth)))
                                (local.set $ix
                                  (i32.add (local.get $x0) (i32.mul (local.get $kx) (local.get $dilationW))))
                                (if (i32.lt_u (local.get $ix) (local.get $inWidth))
                                  (then
                                    (call $addInto
                                      (i32.add (local.get $image)
                                        (i32.mul
                                          (i32.add (i32.mul (local.get $iy) (local.get $inWidth)) (local.get $ix))
                                          (local.get $pixelBytes)))
                                      (i32.add (local.get $src) (i32.mul (local.get $kx) (local.get $pixelBytes)))
                                      (local.get $pixelBytes))))
                                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                                (br $taps)))))))
                    (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
                    (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
                    (br $tapRows)))
                (local.set $pixelCols (i32.add (local.get $pixelCols) (local.get $colsPixelBytes)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $pixels)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $rows)))
        (local.set $image (i32.add (local.get $image) (local.get $imageBytes)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $imageLoop))))

  ;; Conv2DBackpropInput as `columnsToImages`: the columns of a group of images (the product dy · Wᵀ,
  ;; $productBlock over the group's output pixels), then their scatter into the group's images of dx
  ;; ($col2im), group after group of `group` images. A group's columns stay in cache between the two,
  ;; where the product of all images and then the scatter of all wrote and read them through memory.
  ;; `dy` holds `images` images of `dyImageBytes` (output pixels × k values), `dx` as many of
  ;; `dxImageBytes`; `weights` is Wᵀ ([k, `taps`]: filterHeight · filterWidth · channels taps, padded
  ;; with zero columns to a multiple of 8); `cols` has room for a group's columns
  ;; (`colsImageBytes` an image), used again for every group; `offsets` holds the byte offset in dy of
  ;; each of a group's output pixels, rounded up to a multiple of 4 entries. `geometry` points at 15
  ;; int32s: k's chunks and k per chunk (as productAtB takes them), then col2im's parameters from
  ;; inHeight to padLeft. Each value is the same sum, in the same order, as the product of all images
  ;; and then the scatter of all compute.
  (func (export "columnsToImages")
    (param $dy i32) (param $weights i32) (param $cols i32) (param $offsets i32) (param $dx i32)
    (param $images i32) (param $group i32) (param $geometry i32) (param $taps i32)
    (param $dyImageBytes i32) (param $colsImageBytes i32) (param $dxImageBytes i32)
    (local $g i32) (local $n i32) (local $pixels i32)
    (local.set $pixels (i32.mul (i32.load offset=20 (local.get $geometry)) (i32.load offset=24 (local.get $geometry))))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $n) (local.get $images)))
        (local.set $g (i32.sub (local.get $images) (local.get $n)))
        (if (i32.gt_u (local.get $g) (local.get $group)) (then (local.set $g (local.get $group))))
        (call $productBlock
          (local.get $dy) (local.get $weights) (local.get $cols) (local.get $offsets)
          (i32.mul (local.get $g) (local.get $pixels)) (local.get $taps)
          (i32.load offset=0 (local.get $geometry)) (i32.const 1) (i32.load offset=4 (local.get $geometry))
          (i32.shl (i32.load offset=4 (local.get $geometry)) (i32.const 2)) (i32.const 0) (i32.const 4)
          (i32.shl (local.get $taps) (i32.const 2)))
        (call $col2im
          (local.get $cols) (local.get $dx) (local.get $g)
          (i32.load offset=8 (local.get $geometry)) (i32.load offset=12 (local.get $geometry))
          (i32.load offset=16 (local.get $geometry)) (i32.load offset=20 (local.get $geometry))
          (i32.load offset=24 (local.get $geometry)) (i32.load offset=28 (local.get $geometry))
          (i32.load offset=32 (local.get $geometry)) (i32.load offset=36 (local.get $geometry))
          (i32.load offset=40 (local.get $geometry)) (i32.load offset=44 (local.get $geometry))
          (i32.load offset=48 (local.get $geometry)) (i32.load offset=52 (local.get $geometry))
          (i32.load offset=56 (local.get $geometry)) (i32.shl (local.get $taps) (i32.const 2)))
        (local.set $dy (i32.add (local.get $dy) (i32.mul (local.get $g) (local.get $dyImageBytes))))
        (local.set $dx (i32.add (local.get $dx) (i32.mul (local.get $g) (local.get $dxImageBytes))))
        (local.set $n (i32.add (local.get $n) (local.get $g)))
        (br $groups))))
)
