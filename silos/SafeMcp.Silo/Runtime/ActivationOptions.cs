namespace SafeMcp.Silo.Runtime;

/// <summary>Tunables of grain activations.</summary>
public sealed class ActivationOptions
{
    /// <summary>An activation unused this long is deactivated (its state stays in storage). Default 10 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often idle activations are looked for. Default 30 seconds.</summary>
    public TimeSpan IdleScanInterval { get; set; } = TimeSpan.FromSeconds(30);
}
