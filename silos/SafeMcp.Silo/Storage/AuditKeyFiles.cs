namespace SafeMcp.Silo.Storage;

/// <summary>Where an audit key file is looked for when none is configured.</summary>
internal static class AuditKeyFiles
{
    /// <summary>
    /// The embedded default: <c>silo.db.audit-keys</c> beside the database file. It keeps the MACs out of reach of whoever
    /// can only write the database (SQL access, a copied file); a production silo names a key file elsewhere (<c>--audit-keys</c>).
    /// </summary>
    public static string BesideDatabase(string sqlitePath) => sqlitePath + ".audit-keys";
}
