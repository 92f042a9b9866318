import { readFileSync } from "node:fs";

/**
 * The uploading side of the benchmark, in its own process so that its buffers do not count in
 * the service's memory: posts the file to every draft at once, prints the statuses as JSON.
 */
const [file, base, cookie, token, ...drafts] = process.argv.slice(2);
const blob = new Blob([new Uint8Array(readFileSync(file!))], { type: "application/pdf" });
const statuses = await Promise.all(
  drafts.map(async (draft) => {
    const form = new FormData();
    form.append("piece", "domicile");
    form.append("fichier", blob, "facture.pdf");
    const res = await fetch(`${base}/demandes/${draft}/pieces?_csrf=${encodeURIComponent(token!)}`, { method: "POST", redirect: "manual", headers: { cookie: cookie! }, body: form });
    await res.arrayBuffer();
    return res.status;
  }),
);
console.log(JSON.stringify(statuses));
