/**
 * The attestations' titles and how long one stands in for a licence: known to the pages and the
 * tests without loading the documents' modules (fontkit and the fonts, see ./index.ts).
 */

export const INSCRIPTION_TITLE = "Attestation d'inscription au permis de conduire";

export const DROITS_TITLE = "Attestation de droits à conduire";

/**
 * How long the attestation stands in for the licence at most: the new licence is sent within
 * 15 days (SPEC §4), two months leave room for the post and for collecting it at La Poste.
 */
export const DROITS_VALIDITY_MONTHS = 2;

export const DEPOT_TITLE = "Attestation de dépôt d'une demande de permis de conduire international";
