using Microsoft.Extensions.Options;

namespace Broker.Persistence;

/// <summary>Rejects a configuration that cannot reach a database, before the broker starts serving.</summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"{DatabaseOptions.SectionName}:Provider must be Sqlite or Postgres.");
        }

        if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"ConnectionStrings:{DatabaseOptions.ConnectionStringName} is required when {DatabaseOptions.SectionName}:Provider is Postgres.");
        }

        if (options.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
            {
                failures.Add($"{DatabaseOptions.DataDirectoryKey} must not be empty.");
            }

            if (string.IsNullOrWhiteSpace(options.SqliteFileName) || options.SqliteFileName.IndexOfAny(['/', '\\']) >= 0)
            {
                failures.Add($"{DatabaseOptions.SectionName}:SqliteFileName must be a plain file name.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
