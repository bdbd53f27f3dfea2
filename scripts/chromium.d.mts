export function findChromium(): string;
export function chromiumArgs(options?: { softwareGpu?: boolean }): string[];
