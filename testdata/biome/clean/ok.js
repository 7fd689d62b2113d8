// Clean input for the biome fixtures.
export const ok = 1;
