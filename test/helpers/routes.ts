/** A route of the app, as Fastify prints it. */
export interface Route {
  method: string;
  url: string;
}

/** The app's routes, read from Fastify's own route tree (`app.printRoutes()`), HEAD left out. */
export function listRoutes(tree: string): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const match = /^([\s│├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = Math.floor(match[1]!.length / 4);
    const path = (stack[depth - 1] ?? "") + match[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? "").split(", ").filter((m) => m && m !== "HEAD")) routes.push({ method, url: path });
  }
  return routes;
}
