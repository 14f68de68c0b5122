namespace SafeMcp.Silo.Runtime;

/// <summary>One silo: every grain is placed here.</summary>
internal sealed class SingleSiloPlacement : IGrainPlacement
{
    public bool IsLocal(GrainKey key) => true;
}
