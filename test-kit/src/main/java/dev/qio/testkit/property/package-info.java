/**
 * Property-based testing with shrinking, in the style of Hypothesis.
 *
 * <p>A {@link dev.qio.testkit.property.Gen} builds values from
 * {@link dev.qio.testkit.property.Choices}, a recorded sequence of numbers. A
 * {@link dev.qio.testkit.property.Property} runs its body on generated values; when one fails, the
 * {@link dev.qio.testkit.property.Shrinker} edits the recorded sequence, not the value, so any
 * composite input shrinks without a per-type shrinker. Reports name a seed that reruns every
 * property's inputs exactly: {@code -Dqio.seed=0x…}.
 */
package dev.qio.testkit.property;
