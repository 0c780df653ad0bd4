using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Broker.Persistence.Sqlite;

/// <summary>
/// Puts every SQLite connection into the durability mode the broker promises: write-ahead log and
/// <c>synchronous=FULL</c> (a committed transaction survives power loss). <c>synchronous</c> is a
/// per-connection setting, so it is applied on every open, not once at creation.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    /// <summary>The statements run on each newly opened connection.</summary>
    public const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";

    public static SqlitePragmaInterceptor Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
