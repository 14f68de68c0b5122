namespace SafeMcp.Silo.WebConsole;

/// <summary>The console's one page, embedded in the silo's assembly (HTML, CSS and script in one file; no build step).</summary>
internal static class ConsolePage
{
    private const string ResourceName = "console.index.html";

    public static Stream Open() =>
        typeof(ConsolePage).Assembly.GetManifestResourceStream(ResourceName) ?? throw new InvalidOperationException($"The console page ({ResourceName}) is not embedded.");
}
