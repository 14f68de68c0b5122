using SafeMcp.Grains.Tools;

namespace SafeMcp.WorldModel.Detection;

/// <summary>How the two tiers of the world model share the checks (configuration section <c>WorldModel:Tiering</c>).</summary>
public sealed class TieringOptions
{
    /// <summary>Which model decides. Default <see cref="WorldModelTier.Tiered"/> (used only when a transformer is loaded).</summary>
    public WorldModelTier Tier { get; set; } = WorldModelTier.Tiered;

    /// <summary>
    /// Tier 1 is unsure of a check when its two likeliest labels are closer than this in probability: the transformer
    /// decides it. 0 sends none for being unsure, 1 sends every check. Default 0.5.
    /// </summary>
    public double Margin { get; set; } = 0.5;

    /// <summary>
    /// Capabilities, comma-separated (names as in tool profiles: exec, secrets, payments, ...), whose calls always go to
    /// the transformer, sure or not. Default <c>exec, secrets, payments, identity, self-modification, fs.delete</c>.
    /// </summary>
    public string RiskyCapabilities { get; set; } = "exec, secrets, payments, identity, self-modification, fs.delete";

    private string[] RiskyNames => RiskyCapabilities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Longest a call waits for the transformer (its batch included). Past it tier 1's answer stands, except as
    /// <see cref="FailClosedOnRiskyTimeout"/> says. Default 50 ms.
    /// </summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A call of a risky capability whose transformer check runs over budget is denied instead of left to tier 1. Default
    /// false: under load the risky tools would become unusable while the rule layer and the defenses still judge them.
    /// </summary>
    public bool FailClosedOnRiskyTimeout { get; set; }

    /// <summary>The risky capabilities as flags.</summary>
    public Capability Risky => CapabilityNames.Parse(RiskyNames);

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Tier))
        {
            throw new ArgumentException($"WorldModel:Tiering:Tier must be Fast, Transformer or Tiered (was {(int)Tier}).");
        }
        if (Margin is < 0 or > 1 || double.IsNaN(Margin))
        {
            throw new ArgumentException($"WorldModel:Tiering:Margin must be between 0 and 1 (was {Margin}).");
        }
        if (Budget <= TimeSpan.Zero || Budget > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"WorldModel:Tiering:Budget must be more than 0 and at most 10 s (was {Budget}).");
        }
        var unknown = RiskyNames.Where(name => CapabilityNames.Parse([name]) == Capability.None).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"WorldModel:Tiering:RiskyCapabilities: unknown capabilities {string.Join(", ", unknown)}.");
        }
    }
}
