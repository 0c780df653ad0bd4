using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ImageHostStatesForAnyImage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Drops the foreign key ImageId → ImageImports (an image registered by address has
            // per-host states but no upload). SQLite drops a foreign key only by rebuilding the table;
            // it is rebuilt here inside the migration's transaction, with foreign keys on (nothing
            // references this table), rather than as DropForeignKey would, in several transactions
            // with foreign keys off, which a crash between them leaves half done.
            migrationBuilder.Sql(
                """
                CREATE TABLE "ef_temp_ImageImportHosts" (
                    "ImageId" TEXT NOT NULL,
                    "HostId" TEXT NOT NULL,
                    "State" TEXT NOT NULL,
                    "Detail" TEXT NULL,
                    "UpdatedAt" INTEGER NOT NULL,
                    CONSTRAINT "PK_ImageImportHosts" PRIMARY KEY ("ImageId", "HostId"),
                    CONSTRAINT "FK_ImageImportHosts_Hosts_HostId" FOREIGN KEY ("HostId") REFERENCES "Hosts" ("Id") ON DELETE CASCADE
                );
                """);
            migrationBuilder.Sql(
                """
                INSERT INTO "ef_temp_ImageImportHosts" ("ImageId", "HostId", "State", "Detail", "UpdatedAt")
                SELECT "ImageId", "HostId", "State", "Detail", "UpdatedAt" FROM "ImageImportHosts";
                """);
            migrationBuilder.Sql("DROP TABLE \"ImageImportHosts\";");
            migrationBuilder.Sql("ALTER TABLE \"ef_temp_ImageImportHosts\" RENAME TO \"ImageImportHosts\";");
            migrationBuilder.Sql("CREATE INDEX \"IX_ImageImportHosts_HostId\" ON \"ImageImportHosts\" (\"HostId\");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The states of images registered by address have no upload to point at and are dropped.
            migrationBuilder.Sql(
                """
                CREATE TABLE "ef_temp_ImageImportHosts" (
                    "ImageId" TEXT NOT NULL,
                    "HostId" TEXT NOT NULL,
                    "State" TEXT NOT NULL,
                    "Detail" TEXT NULL,
                    "UpdatedAt" INTEGER NOT NULL,
                    CONSTRAINT "PK_ImageImportHosts" PRIMARY KEY ("ImageId", "HostId"),
                    CONSTRAINT "FK_ImageImportHosts_Hosts_HostId" FOREIGN KEY ("HostId") REFERENCES "Hosts" ("Id") ON DELETE CASCADE,
                    CONSTRAINT "FK_ImageImportHosts_ImageImports_ImageId" FOREIGN KEY ("ImageId") REFERENCES "ImageImports" ("Id") ON DELETE CASCADE
                );
                """);
            migrationBuilder.Sql(
                """
                INSERT INTO "ef_temp_ImageImportHosts" ("ImageId", "HostId", "State", "Detail", "UpdatedAt")
                SELECT "ImageId", "HostId", "State", "Detail", "UpdatedAt" FROM "ImageImportHosts"
                WHERE "ImageId" IN (SELECT "Id" FROM "ImageImports");
                """);
            migrationBuilder.Sql("DROP TABLE \"ImageImportHosts\";");
            migrationBuilder.Sql("ALTER TABLE \"ef_temp_ImageImportHosts\" RENAME TO \"ImageImportHosts\";");
            migrationBuilder.Sql("CREATE INDEX \"IX_ImageImportHosts_HostId\" ON \"ImageImportHosts\" (\"HostId\");");
        }
    }
}
