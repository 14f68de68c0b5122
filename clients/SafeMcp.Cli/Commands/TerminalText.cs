using System.Globalization;
using System.Text;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// Text from a silo made safe to print on a terminal: control characters (C0, DEL, C1: escape sequences, carriage
/// returns, backspaces), bidirectional overrides and invisible characters are written as <c>\u{XXXX}</c>, so a tool name
/// or reason can neither rewrite what the operator sees nor hide part of itself.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with every character a terminal would act on, or a reader not see, escaped.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }
        StringBuilder? escaped = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (NeedsEscape(c))
            {
                escaped ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{{{(int)c:X4}}}");
            }
            else
            {
                escaped?.Append(c);
            }
        }
        return escaped?.ToString() ?? text;
    }

    /// <summary>Every element escaped (see <see cref="Escape"/>), joined by <paramref name="separator"/>.</summary>
    public static string Join(string separator, IEnumerable<string> items) => string.Join(separator, items.Select(Escape));

    private static bool NeedsEscape(char c) =>
        c < ' ' || c is >= '\u007F' and <= '\u009F'
        || c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u061C' or '\uFEFF' or '\u2028' or '\u2029'
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2060' and <= '\u2069';
}
