namespace SafeMcp.WorldModel.Detection;

/// <summary>Which world model decides a check.</summary>
public enum WorldModelTier
{
    /// <summary>The fast network decides every check (tier 1).</summary>
    Fast = 1,

    /// <summary>The transformer decides every check (tier 2): a GPU's choice.</summary>
    Transformer = 2,

    /// <summary>The fast network checks every call; the transformer decides the ones it is unsure of or that touch risky capabilities.</summary>
    Tiered = 3,
}
