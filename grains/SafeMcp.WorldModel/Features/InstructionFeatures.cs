namespace SafeMcp.WorldModel.Features;

/// <summary>What a check's context bag starts with: the bias and the instruction's words, and those words as a set.</summary>
/// <param name="HeadIds">The bias id, then the instruction's word ids: the first ids of every context bag of the task.</param>
/// <param name="Words">The instruction's lower-case words.</param>
internal sealed record InstructionFeatures(int[] HeadIds, HashSet<string> Words);
