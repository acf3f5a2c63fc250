/** The command yargs selected, run after parsing so that handlers stay synchronous and testable. */
export class Chosen {
  run: (() => Promise<number>) | undefined;

  set(run: () => Promise<number>): void {
    this.run = run;
  }
}
