namespace SafeMcp.Silo.Runtime;

/// <summary>Whether this silo is where a grain is placed now. An activation placed elsewhere drops after its turn (its lease goes with it).</summary>
internal interface IGrainPlacement
{
    bool IsLocal(GrainKey key);
}
