using Broker.Core;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Broker.Persistence;

/// <summary>
/// The write paths every store shares, with the port contract of <see cref="WriteResult"/>: a
/// version is 1 after the add and grows by one with each update; a stale version or a broken
/// uniqueness rule is <see cref="WriteOutcome.Conflict"/>, never an exception. Stores read
/// untracked, so the change tracker is emptied after each write and a scoped context can serve many.
/// </summary>
internal static class StoreWrites
{
    /// <summary>The name of the concurrency-token property on every versioned row.</summary>
    public const string VersionProperty = "Version";

    /// <summary>The version of every row when it is added.</summary>
    public const long FirstVersion = 1;

    /// <summary>Adds <paramref name="row"/> (which carries <see cref="FirstVersion"/> if it is versioned).</summary>
    public static async Task<WriteResult> AddAsync<TRow>(BrokerDbContext context, TRow row, CancellationToken cancellationToken)
        where TRow : class
    {
        context.Add(row);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return WriteResult.Saved(FirstVersion);
        }
        catch (DbUpdateException exception) when (IsConstraintViolation(exception))
        {
            return WriteResult.Conflict;
        }
        finally
        {
            context.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Replaces the stored row whose version is <paramref name="readVersion"/> by <paramref name="row"/>
    /// (which carries <paramref name="readVersion"/> + 1). The UPDATE names both key and old version,
    /// so of two writers that read the same version the database lets exactly one through.
    /// </summary>
    public static async Task<WriteResult> UpdateAsync<TRow>(
        BrokerDbContext context,
        TRow row,
        long readVersion,
        Func<CancellationToken, Task<bool>> exists,
        CancellationToken cancellationToken)
        where TRow : class
    {
        var entry = context.Attach(row);
        entry.State = EntityState.Modified;
        entry.Property(VersionProperty).OriginalValue = readVersion;
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return WriteResult.Saved(readVersion + 1);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await exists(cancellationToken).ConfigureAwait(false) ? WriteResult.Conflict : WriteResult.NotFound;
        }
        catch (DbUpdateException exception) when (IsConstraintViolation(exception))
        {
            return WriteResult.Conflict;
        }
        finally
        {
            context.ChangeTracker.Clear();
        }
    }

    /// <summary>A unique, primary-key or foreign-key rule refused the write (SQLite's SQLITE_CONSTRAINT, PostgreSQL's class 23).</summary>
    public static bool IsConstraintViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraintError,
        PostgresException postgres => postgres.SqlState.StartsWith(PostgresIntegrityClass, StringComparison.Ordinal),
        _ => false,
    };

    private const int SqliteConstraintError = 19;

    private const string PostgresIntegrityClass = "23";
}
