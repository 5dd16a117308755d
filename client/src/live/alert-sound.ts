/**
 * A short two-note chime made with WebAudio (no sound file to load), played when a poll opens
 * or the floor is given to the listener. Silently does nothing where audio cannot play (no
 * WebAudio, or the browser still waits for a first user gesture).
 */
let context: AudioContext | null = null;

export function playAlertChime(): void {
  try {
    const Ctor = window.AudioContext as typeof AudioContext | undefined;
    if (!Ctor) return;
    context ??= new Ctor();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const start = ctx.currentTime + 0.02;
    [880, 1320].forEach((frequency, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      const t0 = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.18);
    });
  } catch {
    // No sound is better than a broken screen.
  }
}
