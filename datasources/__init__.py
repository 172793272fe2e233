"""Everything that knows DynamoDB or S3: keys, table access, content store, records, stores."""
