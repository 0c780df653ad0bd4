namespace Broker.Persistence;

/// <summary>Which database engine holds the broker's state (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded SQLite file in the data directory: the zero set-up default, one broker instance.</summary>
    Sqlite,

    /// <summary>PostgreSQL from <c>ConnectionStrings:Broker</c>: production and several broker instances.</summary>
    Postgres,
}
