using System.Text.Json;

namespace SafeMcp.Grains.Rules;

/// <summary>A string value in a call's arguments and the key it is the value of (an array's items take the array's key).</summary>
public readonly record struct ArgumentString(string? Key, string Text);

/// <summary>The string values of a call's arguments, for the checks that read all of them.</summary>
public static class ArgumentStrings
{
    /// <summary>
    /// Adds every string value under <paramref name="element"/> to <paramref name="into"/>, each cut to
    /// <see cref="CallInspector.MaxScannedChars"/>; nothing deeper than <paramref name="maxDepth"/> is read.
    /// </summary>
    public static void Collect(JsonElement element, List<ArgumentString> into, int maxDepth) => Collect(element, null, into, 0, maxDepth);

    private static void Collect(JsonElement element, string? key, List<ArgumentString> into, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, property.Name, into, depth + 1, maxDepth);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, key, into, depth + 1, maxDepth);
                }
                break;
            case JsonValueKind.String:
                var text = element.GetString() ?? string.Empty;
                into.Add(new ArgumentString(key, text.Length > CallInspector.MaxScannedChars ? text[..CallInspector.MaxScannedChars] : text));
                break;
        }
    }
}
