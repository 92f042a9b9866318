import sharp from "sharp";

/**
 * sharp (libvips) as the service's own process uses it: previews for agents and captcha images,
 * each made once from bytes seen once. libvips's operation cache (50 Mo by default) keeps decoded
 * images and results for reuse, which never happens here: it only grew the resident memory of an
 * instance serving captcha images. Disabled for the process (the inspection workers set the same).
 */
sharp.cache(false);

export { sharp };
