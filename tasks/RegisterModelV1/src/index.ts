import { runAzureDevOpsTask } from '../../../shared/src/hosts/azure-devops';
import { registerModelStep } from '../../../shared/src/steps/register-model/definition';

void runAzureDevOpsTask(registerModelStep);
