import { runAzureDevOpsTask } from '../../../shared/src/hosts/azure-devops';
import { registerModelStep } from '../../../shared/src/steps/register-model';

void runAzureDevOpsTask(registerModelStep);
