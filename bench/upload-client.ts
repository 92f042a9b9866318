import { readFileSync } from "node:fs";

/**
 * The uploading side of the memory figure, in its own process so that its buffers do not count
 * in the service's memory: posts the file to every draft at once (each with its own user's
 * cookies and CSRF token, `_csrf` as the body's first field), prints the statuses as JSON.
 */
const [file, base, targetsJson] = process.argv.slice(2);
const targets = JSON.parse(targetsJson!) as Array<{ cookie: string; token: string; draft: string }>;
const blob = new Blob([new Uint8Array(readFileSync(file!))], { type: "application/pdf" });
const statuses = await Promise.all(
  targets.map(async ({ cookie, token, draft }) => {
    const form = new FormData();
    form.append("_csrf", token);
    form.append("fichier-domicile", blob, "facture.pdf");
    form.append("joindre", "domicile");
    const res = await fetch(`${base}/demandes/${draft}/pieces`, { method: "POST", redirect: "manual", headers: { cookie }, body: form });
    await res.arrayBuffer();
    return `${res.status} ${res.headers.get("location") ?? ""}`;
  }),
);
console.log(JSON.stringify(statuses));
