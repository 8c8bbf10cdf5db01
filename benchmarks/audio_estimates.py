"""Measure emulator.audio on the synthetic voices of strategies.audio and print the figures.

    .venv/bin/python benchmarks/audio_estimates.py [--seeds N] [--duration S]

Prints, over a grid of speech ratios x SNRs with every voice and N seeds per cell:
* VAD error: measured minus true speech length (mean and worst, seconds and % of the true length);
* SNR error: measured minus true SNR in dB (mean and worst);
* identification accuracy: each test clip's voiceprint against one enrollment voiceprint per
  speaker (other seeds, other text, enrolled at 30 dB), nearest neighbour by emulator.audio.similarity,
  per test SNR; plus the mean same-speaker and best other-speaker similarity;
* timing: CPU milliseconds per second of audio for synthesis, decode and analysis.

Source of the rules measured: https://learn.microsoft.com/en-us/rest/api/speakerrecognition/identification/textindependent/createenrollment (pure speech length, SNR >= 2 dB); https://github.com/Azure/azure-rest-api-specs/blob/150401057e16877c34de5f75bdf17be28c06a3b6/specification/cognitiveservices/data-plane/SpeakerRecognition/Identification/stable/2021-09-05/Identification.json
(identification score in [0, 1]). The estimators are described in emulator/audio.py.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cognitive_conformance.emulator.audio import SAMPLE_RATE, analyse, decode, similarity  # noqa: E402
from cognitive_conformance.strategies.audio import SPEAKERS, synthesize  # noqa: E402

RATIOS = (0.2, 0.4, 0.6, 0.8, 0.9, 1.0)
SNRS = (5.0, 10.0, 20.0, 30.0, 40.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2, help="seeds per (ratio, SNR, speaker) cell")
    parser.add_argument("--duration", type=float, default=5.0, help="clip length in seconds")
    args = parser.parse_args(argv)

    synth_cpu = decode_cpu = analyse_cpu = 0.0
    audio_s = 0.0
    print(f"VAD and SNR error, {args.duration:g} s clips, {len(SPEAKERS)} voices x {args.seeds} seeds per cell")
    print(f"{'ratio':>5} {'SNR dB':>6} | {'VAD mean s':>10} {'VAD max|s|':>10} {'VAD max|%|':>10} | {'SNR mean dB':>11} {'SNR max|dB|':>11}")
    rows = []
    for ratio, snr in itertools.product(RATIOS, SNRS):
        vad_err, vad_pct, snr_err = [], [], []
        for speaker, seed in itertools.product(SPEAKERS, range(args.seeds)):
            t0 = time.process_time()
            body = synthesize(speaker=speaker, duration_s=args.duration, speech_ratio=ratio, snr_db=snr, seed=seed)
            t1 = time.process_time()
            samples = decode(body)
            t2 = time.process_time()
            result = analyse(samples)
            t3 = time.process_time()
            synth_cpu += t1 - t0
            decode_cpu += t2 - t1
            analyse_cpu += t3 - t2
            audio_s += result.duration_s
            true_speech = round(ratio * samples.size) / SAMPLE_RATE
            vad_err.append(result.speech_s - true_speech)
            vad_pct.append(100.0 * (result.speech_s - true_speech) / true_speech)
            snr_err.append(result.snr_db - snr)
        v, p, s = np.array(vad_err), np.array(vad_pct), np.array(snr_err)
        rows.append((ratio, snr, v, p, s))
        print(
            f"{ratio:5.1f} {snr:6.0f} | {v.mean():+10.3f} {np.abs(v).max():10.3f} {np.abs(p).max():10.1f} |"
            f" {s.mean():+11.2f} {np.abs(s).max():11.2f}"
        )
    with_pauses = [np.abs(s).max() for ratio, _, _, _, s in rows if ratio <= 0.9]
    all_vad = np.concatenate([v for _, _, v, _, _ in rows])
    print(f"worst |VAD error| over the grid: {np.abs(all_vad).max():.3f} s;"
          f" worst |SNR error| with pauses (ratio <= 0.9): {max(with_pauses):.2f} dB")

    print("\nIdentification: nearest enrolled voiceprint (enrolled from 3 clips of 6 s at 30 dB, seeds 1000+)")
    enrolled = {}
    for speaker in SPEAKERS:
        prints = [
            analyse(decode(synthesize(speaker=speaker, duration_s=6.0, speech_ratio=0.8, snr_db=30.0, seed=1000 + k))).voiceprint
            for k in range(3)
        ]
        mean = np.mean(prints, axis=0)
        enrolled[speaker.name] = tuple(mean / np.linalg.norm(mean))
    print(f"{'test SNR dB':>11} {'test len s':>10} | {'accuracy':>9} {'trials':>6} | {'same sim':>8} {'best other':>10}")
    for snr, length in itertools.product((30.0, 10.0, 5.0), (2.0, 5.0)):
        correct = trials = 0
        same, other = [], []
        for speaker, seed in itertools.product(SPEAKERS, range(5)):
            probe = analyse(
                decode(synthesize(speaker=speaker, duration_s=length, speech_ratio=0.8, snr_db=snr, seed=2000 + seed))
            ).voiceprint
            scores = {name: similarity(probe, vp) for name, vp in enrolled.items()}
            best = max(scores, key=scores.__getitem__)
            correct += best == speaker.name
            trials += 1
            same.append(scores[speaker.name])
            other.append(max(v for k, v in scores.items() if k != speaker.name))
        print(
            f"{snr:11.0f} {length:10.1f} | {100.0 * correct / trials:8.1f}% {trials:6d} |"
            f" {np.mean(same):8.3f} {np.mean(other):10.3f}"
        )

    print("\nTiming (CPU ms per second of audio)")
    print(f"  synthesize {1000 * synth_cpu / audio_s:6.2f}   decode {1000 * decode_cpu / audio_s:6.3f}"
          f"   analyse {1000 * analyse_cpu / audio_s:6.2f}   ({audio_s:.0f} s of audio)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
