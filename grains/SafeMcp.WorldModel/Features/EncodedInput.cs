namespace SafeMcp.WorldModel.Features;

/// <summary>The hashed features of one check: a bag for the context and one bag for each available tool.</summary>
/// <param name="Context">Feature ids of the instruction, prefix and current action.</param>
/// <param name="Tools">Feature ids of each tool, in the order of <see cref="WorldModelInput.Tools"/>.</param>
public sealed record EncodedInput(int[] Context, int[][] Tools);
