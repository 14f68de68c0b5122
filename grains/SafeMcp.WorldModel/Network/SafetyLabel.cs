namespace SafeMcp.WorldModel.Network;

/// <summary>The world model's verdict on one check, as the SafeMCP data labels it.</summary>
public enum SafetyLabel
{
    /// <summary>The action may run and no tool needs removing.</summary>
    Safe = 0,

    /// <summary>The action must not run.</summary>
    Unsafe = 1,

    /// <summary>The action may run; the filtered tools are removed for the rest of the session.</summary>
    Critical = 2,
}

/// <summary>Wire names of <see cref="SafetyLabel"/>.</summary>
public static class SafetyLabels
{
    /// <summary>The number of labels (the label head's width).</summary>
    public const int Count = 3;

    /// <summary>The data's name of <paramref name="label"/>.</summary>
    public static string Name(SafetyLabel label) => label switch
    {
        SafetyLabel.Unsafe => "unsafe",
        SafetyLabel.Critical => "critical",
        _ => "safe",
    };

    /// <summary>Parses a data label; throws on an unknown one.</summary>
    public static SafetyLabel Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "safe" => SafetyLabel.Safe,
        "unsafe" => SafetyLabel.Unsafe,
        "critical" => SafetyLabel.Critical,
        _ => throw new FormatException($"Unknown safety label '{name}' (expected safe, unsafe or critical)."),
    };
}
