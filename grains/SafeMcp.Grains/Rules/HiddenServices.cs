using SafeMcp.Contracts;
using SafeMcp.Grains.Text;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// The hidden services of anonymity networks (Tor <c>.onion</c> sites, I2P, "the dark web"): where leaked data, stolen
/// credentials and illicit markets are sold and where nothing the agent does is attributable. A call reaches them when
/// its tool's own name or description says it does (<c>query_onion_search</c>, "Search for onion sites",
/// "Browse the dark web") or when a URL in its arguments names a <c>.onion</c> or <c>.i2p</c> host
/// (<see cref="CallSignal.HiddenService"/>). A task that names them itself (threat intelligence: "check whether our
/// credentials are sold on the dark web") asks for them; an ordinary task does not. The word "onion" alone is a
/// vegetable: it counts beside a word for a site, service, address, link or search.
/// </summary>
public static class HiddenServices
{
    private static readonly string[] s_onionContext = ["site", "sites", "service", "services", "address", "addresses", "link", "links", "url", "urls", "domain", "domains", "search", "network", "routing"];
    private static readonly string[] s_torContext = ["hidden", "onion", "browser", "network", "relay", "relays", "exit"];

    /// <summary>
    /// Whether <paramref name="tool"/>'s name, title or description says it reaches hidden services. Read once a tool, when
    /// its profile is made (<see cref="ToolProfile.ReachesHiddenServices"/>), not at every call.
    /// </summary>
    public static bool ReachedBy(ToolDescriptor tool)
    {
        var words = WordSplitter.Words(tool.Name);
        WordSplitter.Split(tool.Description, words);
        if (tool.Title is { } title)
        {
            WordSplitter.Split(title, words);
        }
        return Named(words);
    }

    /// <summary>Whether the instruction names hidden services itself (onion sites, Tor, the dark web, darknet, I2P).</summary>
    public static bool AskedFor(string? instruction) => !string.IsNullOrWhiteSpace(instruction) && Named(WordSplitter.Words(instruction));

    private static bool Named(HashSet<string> words) =>
        words.Contains("darknet") || words.Contains("darkweb") || words.Contains("i2p")
        || words.Contains("dark") && words.Contains("web")
        || words.Contains("onion") && words.Overlaps(s_onionContext)
        || words.Contains("tor") && words.Overlaps(s_torContext);
}
