import { loadConfig } from "../src/config.ts";
import { createServices } from "../src/compose.ts";
import { AgentService, parseAgentArgs, parseServiceArgs } from "../src/services/agents.ts";
import { LocalStampService } from "../src/services/stamps.ts";

/**
 * Operations from the command line, on the database of the environment (DATABASE_URL, or the
 * PGlite folder when the service is stopped):
 *   npm run timbres:emettre -- 5
 *   npm run photographes:ajouter -- "Studio Dupont" photographe "3 rue Haute" 75004 Paris
 *   npm run agent:creer -- --email prenom.nom@interieur.gouv.fr --prenom Prénom --nom NOM --role instruction --services cert-nord,cert-sud [--mot-de-passe]
 *   npm run service:creer -- --nom "CERT Est" [--id cert-est] [--prefectures 67482,68066]
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
  } else if (command === "agent") {
    const parsed = parseAgentArgs(args);
    if (!parsed.ok) throw new Error(parsed.message);
    const password = parsed.withPassword ? AgentService.randomPassword() : undefined;
    const result = await services.agents.create({ ...parsed.input, password });
    if (!result.ok) throw new Error(Object.values(result.errors).join("\n"));
    console.log(`Agent ${result.agent.email} créé (${result.agent.role}).`);
    if (password) {
      console.log(`Mot de passe (affiché une seule fois) : ${password}`);
      console.log("À la première connexion par mot de passe, l'agent active sa double authentification (code QR).");
    } else {
      console.log("Il se connecte avec ProConnect, avec cette adresse électronique.");
    }
  } else if (command === "service") {
    const parsed = parseServiceArgs(args);
    if (!parsed.ok) throw new Error(parsed.message);
    const result = await services.agents.createService(parsed.input);
    if (!result.ok) throw new Error(Object.values(result.errors).join("\n"));
    for (const id of parsed.prefectures) {
      if (!services.places.prefecture(id)) throw new Error(`préfecture inconnue : ${id}`);
      await services.agents.mapPrefecture(id, result.id);
    }
    console.log(`Service ${result.id} créé${parsed.prefectures.length > 0 ? `, ${parsed.prefectures.length} préfecture(s) rattachée(s)` : ""}.`);
  } else {
    throw new Error("commandes : agent --email … --prenom … --nom … --role images|instruction|admin [--services a,b] [--mot-de-passe] | service --nom … [--id …] [--prefectures …] | timbres <nombre> | photographe <nom> <photographe|cabine> <adresse> <code postal> <commune>");
  }
} finally {
  await services.database.close();
}
