export default async function globalSetup(): Promise<void> {
  // The foundation issue fills this in: it starts Temporal and Redis unless GATEHOUSE_STACK=none.
}
