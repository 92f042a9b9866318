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
