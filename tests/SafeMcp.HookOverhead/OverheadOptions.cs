namespace SafeMcp.HookOverhead;

/// <summary>How many calls the measurement makes.</summary>
internal sealed class OverheadOptions
{
    /// <summary>Measured calls per server (<c>--calls</c>). Default 2000.</summary>
    public int Calls { get; private set; } = 2000;

    /// <summary>Calls made first and not measured, so the JIT and connections are warm (<c>--warmup</c>). Default 200.</summary>
    public int Warmup { get; private set; } = 200;

    public static OverheadOptions From(string[] args)
    {
        var options = new OverheadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--calls" when i + 1 < args.Length && int.TryParse(args[i + 1], out var calls) && calls > 0:
                    options.Calls = calls;
                    i++;
                    break;
                case "--warmup" when i + 1 < args.Length && int.TryParse(args[i + 1], out var warmup) && warmup >= 0:
                    options.Warmup = warmup;
                    i++;
                    break;
                default:
                    throw new ArgumentException($"Unknown or invalid argument '{args[i]}'. Usage: [--calls N] [--warmup N]");
            }
        }
        return options;
    }
}
