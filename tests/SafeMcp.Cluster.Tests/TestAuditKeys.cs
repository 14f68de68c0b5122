using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Cluster.Tests;

/// <summary>An audit key ring for tests that commit through storage directly (a fresh random key per test run).</summary>
public static class TestAuditKeys
{
    public static AuditKeyRing Ring { get; } = AuditKeyRing.Parse(
        "test " + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(AuditKeyRing.MinimumKeyBytes)), "test keys");
}
