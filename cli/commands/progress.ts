/** A progress line on stderr while a command waits: a spinner on a terminal, one line per change otherwise. */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private text = '';
  private lastPrinted = '';
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly enabled = true) {}

  update(text: string): void {
    if (!this.enabled) return;
    this.text = text;
    if (!this.stream.isTTY) {
      if (text !== this.lastPrinted) this.stream.write(`${text}\n`);
      this.lastPrinted = text;
      return;
    }
    this.timer ??= setInterval(() => this.render(), 120);
    this.render();
  }

  private render(): void {
    const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
    const seconds = Math.round((Date.now() - this.started) / 1000);
    this.stream.write(`\r\x1b[2K${frames[this.frame++ % frames.length]} ${this.text} (${seconds}s)`);
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.stream.write('\r\x1b[2K');
    }
  }
}
