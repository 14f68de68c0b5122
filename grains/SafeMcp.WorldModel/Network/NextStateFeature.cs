using SafeMcp.Grains.Sessions;

namespace SafeMcp.WorldModel.Network;

/// <summary>What the next-state head predicts about the observation the current action will return.</summary>
public static class NextStateFeature
{
    /// <summary>The number of next-state outputs.</summary>
    public const int Count = 3;

    /// <summary>Index: personal data in the next observation.</summary>
    public const int PersonalData = 0;

    /// <summary>Index: instructions aimed at the model in the next observation.</summary>
    public const int Instructions = 1;

    /// <summary>Index: secrets in the next observation.</summary>
    public const int Secrets = 2;

    /// <summary>The targets of an observed next state, from the same scanner that taints live sessions.</summary>
    public static float[] Targets(Taint taint) =>
    [
        (taint & Taint.Pii) != 0 ? 1f : 0f,
        (taint & Taint.UntrustedInstructions) != 0 ? 1f : 0f,
        (taint & Taint.Secrets) != 0 ? 1f : 0f,
    ];

    /// <summary>The taint a predicted next state carries, with probabilities at or above <paramref name="threshold"/>.</summary>
    public static Taint ToTaint(ReadOnlySpan<float> probabilities, float threshold)
    {
        var taint = Taint.None;
        if (probabilities[PersonalData] >= threshold) taint |= Taint.Pii;
        if (probabilities[Instructions] >= threshold) taint |= Taint.UntrustedInstructions;
        if (probabilities[Secrets] >= threshold) taint |= Taint.Secrets;
        return taint;
    }
}
