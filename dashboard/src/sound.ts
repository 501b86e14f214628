// A short two-tone beep for a new critical alert (Web Audio: no file to load). Browsers allow
// sound only after a first click on the page; until then it stays silent.
let ctx: AudioContext | undefined;

export function beep(): void {
  try {
    ctx ??= new AudioContext();
    const t = ctx.currentTime;
    for (const [i, f] of [880, 660].entries()) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.2, t + i * 0.25);
      g.gain.exponentialRampToValueAtTime(0.001, t + i * 0.25 + 0.22);
      o.connect(g).connect(ctx.destination);
      o.start(t + i * 0.25);
      o.stop(t + i * 0.25 + 0.24);
    }
  } catch {
    /* no audio on this display */
  }
}
