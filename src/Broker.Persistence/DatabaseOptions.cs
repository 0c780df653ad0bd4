namespace Broker.Persistence;

/// <summary>
/// Where the broker's state lives. Bound from <c>Database</c>, <c>ConnectionStrings:Broker</c> and
/// <c>Broker:DataDirectory</c> by <see cref="PersistenceExtensions.AddBrokerPersistence"/>; validated at start.
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary>Configuration section of <see cref="Provider"/> and <see cref="SqliteFileName"/>.</summary>
    public const string SectionName = "Database";

    /// <summary>Name of the connection string in <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Broker";

    /// <summary>Configuration key of the data directory shared by every part of broker-server.</summary>
    public const string DataDirectoryKey = "Broker:DataDirectory";

    /// <summary>The database engine; SQLite unless configured.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The provider's connection string. Required for PostgreSQL. For SQLite it overrides the file in
    /// the data directory (the pragmas are applied either way).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Directory holding the SQLite file (and the broker's other state).</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>File name of the SQLite database inside <see cref="DataDirectory"/>.</summary>
    public string SqliteFileName { get; set; } = "broker.db";

    /// <summary>Full path of the SQLite file when no connection string overrides it.</summary>
    public string SqlitePath => Path.GetFullPath(Path.Combine(DataDirectory, SqliteFileName));
}
