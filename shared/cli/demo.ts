export async function runDemo(_argv: string[]): Promise<number> {
  return 1;
}
