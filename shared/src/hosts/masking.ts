/** Registered secrets, and their removal from any text before it is printed or written. */
export class SecretMask {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (!value) return;
    const v = value.trim();
    // Very short values would mask ordinary words; real secrets are long.
    if (v.length < 4) return;
    this.values.add(v);
    // Multi-line secrets (certificates) are also masked line by line, as runners do.
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 8) this.values.add(line.trim());
  }

  apply(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(v)) out = out.split(v).join('***');
    }
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}
