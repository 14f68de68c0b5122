using System.Text.Json;

namespace SafeMcp.Grains.Defenses.Arguments;

/// <summary>
/// Finds a key written twice in one object of a call's arguments. Readers disagree on which copy wins (the schema
/// check may read one, the tool another), so arguments with a duplicate key are refused rather than guessed at.
/// </summary>
public static class DuplicateKeys
{
    // Objects with at most this many properties are compared pairwise, allocating nothing.
    private const int PairwiseLimit = 16;

    /// <summary>The first key that appears twice in an object under <paramref name="element"/>, or null; nothing deeper than <paramref name="maxDepth"/> is read.</summary>
    public static string? FirstIn(JsonElement element, int maxDepth = JsonSchemaValidator.MaxDepth) => Find(element, 0, maxDepth);

    private static string? Find(JsonElement element, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            return null;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (Duplicate(element) is { } key)
                {
                    return key;
                }
                foreach (var property in element.EnumerateObject())
                {
                    if (Find(property.Value, depth + 1, maxDepth) is { } nested)
                    {
                        return nested;
                    }
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, depth + 1, maxDepth) is { } nested)
                    {
                        return nested;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static string? Duplicate(JsonElement element)
    {
        var count = 0;
        foreach (var _ in element.EnumerateObject())
        {
            count++;
        }
        if (count < 2)
        {
            return null;
        }
        if (count <= PairwiseLimit)
        {
            var i = 0;
            foreach (var a in element.EnumerateObject())
            {
                var j = 0;
                foreach (var b in element.EnumerateObject())
                {
                    if (j++ > i && a.NameEquals(b.Name))
                    {
                        return a.Name;
                    }
                }
                i++;
            }
            return null;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                return property.Name;
            }
        }
        return null;
    }
}
