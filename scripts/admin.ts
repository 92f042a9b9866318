import { loadConfig } from "../src/config.ts";
import { createServices } from "../src/compose.ts";
import { LocalStampService } from "../src/services/stamps.ts";

/**
 * Operations from the command line, on the database of the environment (DATABASE_URL, or the
 * PGlite folder when the service is stopped):
 *   npm run timbres:emettre -- 5
 *   npm run photographes:ajouter -- "Studio Dupont" photographe "3 rue Haute" 75004 Paris
 */
const [command, ...args] = process.argv.slice(2);
const config = loadConfig();
const services = await createServices(config, { franceConnectIssuer: "http://unused.invalid" });
try {
  if (command === "timbres") {
    if (!(services.stamps instanceof LocalStampService)) throw new Error("no local stamp table");
    const numbers = await services.stamps.issue(Math.max(1, Math.min(100, Number(args[0]) || 1)), new Date());
    for (const n of numbers) console.log(n);
  } else if (command === "photographe") {
    const [name, kind, address, postcode, commune] = args;
    if (!name || (kind !== "photographe" && kind !== "cabine") || !address || !/^\d{5}$/.test(postcode ?? "") || !commune) {
      throw new Error('usage: npm run photographes:ajouter -- "Nom" photographe|cabine "adresse" 75004 "Commune"');
    }
    const { provider, apiKey } = await services.photoCodes.addProvider({ name, kind, address, postcode: postcode!, commune });
    console.log(`Prestataire ${provider.id} ajouté. Clé d'API (affichée une seule fois) : ${apiKey}`);
  } else {
    throw new Error("commandes : timbres <nombre> | photographe <nom> <photographe|cabine> <adresse> <code postal> <commune>");
  }
} finally {
  await services.database.close();
}
