namespace Broker.Persistence.Tests;

public sealed class DatabaseOptionsValidatorTests
{
    private readonly DatabaseOptionsValidator _validator = new();

    [Fact]
    public void Validate_SqliteDefaults_Succeeds()
    {
        _validator.Validate(null, new DatabaseOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_PostgresWithoutConnectionString_FailsNamingTheSetting()
    {
        var result = _validator.Validate(null, new DatabaseOptions { Provider = DatabaseProvider.Postgres });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("ConnectionStrings:Broker");
    }

    [Fact]
    public void Validate_SqliteFileNameWithADirectory_Fails()
    {
        var result = _validator.Validate(null, new DatabaseOptions { SqliteFileName = "../elsewhere.db" });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("SqliteFileName");
    }
}
