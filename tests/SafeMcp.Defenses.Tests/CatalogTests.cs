using SafeMcp.Grains.Defenses.Catalog;
using SafeMcp.Testing;

namespace SafeMcp.Defenses.Tests;

public sealed class CatalogTests
{
    [Fact]
    public void Docs_table_is_the_generated_catalogue()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "defenses.md"));
        Assert.Equal(DefenseCatalog.Markdown().ReplaceLineEndings(), docs.ReplaceLineEndings());
    }

    [Fact]
    public void Every_cited_mitigation_has_a_name()
    {
        foreach (var entry in DefenseCatalog.Entries)
        {
            Assert.All(entry.Mitigations, m => Assert.True(DefenseCatalog.MitigationNames.ContainsKey(m), $"{entry.Technique} cites {m} without a name"));
            Assert.NotEmpty(entry.DetectedBy);
        }
    }
}
