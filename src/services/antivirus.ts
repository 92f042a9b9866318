import type { Readable } from "node:stream";
import NodeClam from "clamscan";

/**
 * Virus scanning of uploaded files through ClamAV's daemon (clamd), with the `clamscan`
 * client: the file is streamed to clamd with the INSTREAM command, over its Unix socket
 * (`CLAMD_SOCKET`) or TCP (`CLAMD_HOST`, `CLAMD_PORT`). Nothing is written to disk for it.
 *
 * clamd's `StreamMaxLength` (25 Mo by default) must stay above the largest upload (11 Mo).
 */
export type ScanVerdict = { clean: true } | { clean: false; signature: string };

/** clamd could not give a verdict (down, unreachable, timed out, or it answered an error). */
export class ScannerUnavailable extends Error {
  constructor(reason: string) {
    super(`antivirus indisponible : ${reason}`);
  }
}

export interface VirusScanner {
  /** Scans the whole stream; throws ScannerUnavailable when no verdict could be had. */
  scan(content: Readable): Promise<ScanVerdict>;
}

export type ClamdAddress = { socket: string } | { host: string; port: number };

/** How long one scan may take, connection included, before it counts as failed (and is retried). */
const SCAN_TIMEOUT_MS = 60_000;

export class ClamdScanner implements VirusScanner {
  private client: Promise<NodeClam> | undefined;

  constructor(
    private readonly address: ClamdAddress,
    private readonly timeoutMs = SCAN_TIMEOUT_MS,
  ) {}

  /** The library's client, made once; no connection is opened before the first scan. */
  private init(): Promise<NodeClam> {
    this.client ??= new NodeClam()
      .init({
        removeInfected: false,
        debugMode: false,
        preference: "clamdscan",
        // Never the command-line scanners: clamd only, and no `clamdscan --version` spawned at init.
        clamscan: { active: false, path: "" },
        clamdscan: {
          ...("socket" in this.address ? { socket: this.address.socket } : { host: this.address.host, port: this.address.port }),
          path: "",
          localFallback: false,
          timeout: this.timeoutMs,
          // clamd may be down when the service starts: scans are retried, start-up is not blocked.
          bypassTest: true,
        },
      })
      .catch((error: unknown) => {
        this.client = undefined;
        throw error;
      });
    return this.client;
  }

  async scan(content: Readable): Promise<ScanVerdict> {
    // The library answers isInfected null when clamd says neither "OK" nor "FOUND" (its types omit it).
    let result: { isInfected: boolean | null; viruses: string[] };
    try {
      const clam = await this.init();
      result = await withDeadline(clam.scanStream(content), this.timeoutMs);
    } catch (error) {
      throw new ScannerUnavailable(error instanceof Error ? error.message.slice(0, 200) : "erreur");
    } finally {
      // On any failure the library may leave our stream paused half-read: release it.
      if (!content.destroyed) content.destroy();
    }
    if (result.isInfected === false) return { clean: true };
    if (result.isInfected === true) return { clean: false, signature: (result.viruses[0] ?? "inconnu").slice(0, 200) };
    throw new ScannerUnavailable("réponse de clamd sans verdict");
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("délai dépassé")), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** The scanner of the configuration, or undefined when no clamd is configured. */
export function clamdScanner(address: ClamdAddress | undefined): VirusScanner | undefined {
  return address ? new ClamdScanner(address) : undefined;
}

/** French messages of the antivirus. */
export const ANTIVIRUS_MESSAGES = {
  pending: "Analyse en cours",
  pendingError: (name: string) => `Le fichier « ${name} » est en cours d'analyse antivirus : patientez quelques instants, puis rechargez la page avant d'envoyer votre demande.`,
  infected: (name: string) =>
    `Le fichier « ${name} » contient un virus : il a été refusé et supprimé. Retirez-le de la liste et envoyez un autre fichier, après avoir analysé votre ordinateur.`,
  infectedBadge: "Virus détecté : fichier supprimé",
} as const;
