namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>
/// A row's hashed text without the previous hash and the chain index: the hashed text is
/// <c>["previousHash",</c> ‖ <paramref name="Head"/> ‖ chain index in decimal ‖ <paramref name="Tail"/> (UTF-8).
/// </summary>
/// <param name="Head">The fields before the index, each followed by a comma.</param>
/// <param name="Tail">A comma, the fields after the index, and the closing bracket.</param>
public sealed record AuditChainParts(byte[] Head, byte[] Tail);
