// The one safety vocabulary used everywhere (ARCHITECTURE.md, "Safety levels").
export const SAFETY_LEVELS = ["none", "low", "medium", "high", "imminent"] as const;
export type SafetyLevel = (typeof SAFETY_LEVELS)[number];

export const levelRank = (level: SafetyLevel): number => SAFETY_LEVELS.indexOf(level);

export const maxLevel = (a: SafetyLevel, b: SafetyLevel): SafetyLevel => (levelRank(a) >= levelRank(b) ? a : b);

/** high and imminent are the hard stop: safe reply, no LLM, a Crisis Event, an operator alert. */
export const isHardStop = (level: SafetyLevel): boolean => levelRank(level) >= levelRank("high");
