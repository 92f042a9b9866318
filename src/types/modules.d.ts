declare module "connect-pg-simple" {
  /** connect-pg-simple's factory: takes the session module (its `Store` base class), returns the store class. */
  function connectPgSimple(session: unknown): new (options: {
    pool: unknown;
    tableName?: string;
    createTableIfMissing?: boolean;
    pruneSessionInterval?: number | false;
  }) => unknown;
  export default connectPgSimple;
}

/** fontkit's minified build (the package's own `unpkg` file): the same API as its main entry. */
declare module "@pdf-lib/fontkit/dist/fontkit.umd.min.js" {
  import fontkit from "@pdf-lib/fontkit";
  export default fontkit;
}
