using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>
/// The keys of the audit chain's MACs: a text file of lines <c>id base64-key</c> (<c>#</c> starts a comment). The last
/// line signs new rows and anchors; every line verifies, so a key can be rotated by appending a line and keeping the
/// old ones. The file lives outside the database (the silo's configuration or a mounted secret): whoever can write the
/// database but not read this file cannot compute a row's MAC.
/// </summary>
public sealed partial class AuditKeyRing
{
    /// <summary>The shortest key accepted: 256 bits, HMAC-SHA256's block of security.</summary>
    public const int MinimumKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;

    private AuditKeyRing(Dictionary<string, byte[]> keys, string currentKeyId)
    {
        _keys = keys;
        CurrentKeyId = currentKeyId;
    }

    /// <summary>The key that signs new rows and anchors: the file's last line.</summary>
    public string CurrentKeyId { get; }

    /// <summary>Every key id the ring holds, in file order.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>The secret of <paramref name="keyId"/>; <see cref="KeyNotFoundException"/> when the ring does not hold it.</summary>
    public byte[] Key(string keyId) =>
        _keys.TryGetValue(keyId, out var key) ? key : throw new KeyNotFoundException($"The audit key file holds no key '{keyId}'.");

    /// <summary>Parses a key file's text; <paramref name="source"/> names it in errors.</summary>
    public static AuditKeyRing Parse(string text, string source)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? current = null;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !KeyIdPattern().IsMatch(parts[0]))
            {
                throw new InvalidDataException($"{source}, line {number}: expected 'id base64-key' with an id of letters, digits, '.', '_' or '-'.");
            }
            byte[] key;
            try
            {
                key = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"{source}, line {number}: the key is not base64.");
            }
            if (key.Length < MinimumKeyBytes)
            {
                throw new InvalidDataException($"{source}, line {number}: the key has {key.Length} bytes, at least {MinimumKeyBytes} are needed.");
            }
            if (!keys.TryAdd(parts[0], key))
            {
                throw new InvalidDataException($"{source}, line {number}: key id '{parts[0]}' appears twice.");
            }
            current = parts[0];
        }
        return current is null
            ? throw new InvalidDataException($"{source} holds no audit key.")
            : new AuditKeyRing(keys, current);
    }

    /// <summary>Reads the key file at <paramref name="path"/>.</summary>
    public static AuditKeyRing Load(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), path) : throw new FileNotFoundException($"No audit key file at {path}.", path);

    /// <summary>Reads the key file at <paramref name="path"/>, first creating it (owner-only, one new key) when it does not exist.</summary>
    public static AuditKeyRing LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            AppendNewKey(path, "k1");
        }
        return Load(path);
    }

    /// <summary>
    /// Appends a fresh random key named <paramref name="keyId"/> to the file (created owner-only when missing): it signs
    /// from then on, the keys before it still verify. Returns the new ring.
    /// </summary>
    public static AuditKeyRing AppendNewKey(string path, string keyId)
    {
        if (!KeyIdPattern().IsMatch(keyId))
        {
            throw new ArgumentException($"'{keyId}' is not a key id (letters, digits, '.', '_' or '-', at most 32).", nameof(keyId));
        }
        if (File.Exists(path) && Parse(File.ReadAllText(path), path).KeyIds.Contains(keyId))
        {
            throw new ArgumentException($"{path} already holds a key '{keyId}'.", nameof(keyId));
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var line = $"{keyId} {Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes))}\n";
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(line);
        }
        return Load(path);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,32}\z")]
    private static partial Regex KeyIdPattern();
}
